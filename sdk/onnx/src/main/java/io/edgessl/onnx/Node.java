package io.edgessl.onnx;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One operator of a graph: its type (and domain), the names of the tensors it reads and writes, and
 * its attributes. Mutable, so that graph editors (quantization, casts) can rewire nodes in place:
 * {@link #inputs()}, {@link #outputs()} and {@link #attributes()} are live lists and maps. An empty
 * input or output name means an omitted optional one, as in ONNX.
 */
public final class Node {
  private String name;
  private String opType;
  private String domain;
  private final List<String> inputs;
  private final List<String> outputs;
  private final Map<String, Attribute> attributes = new LinkedHashMap<>();

  /** A node of the default ({@code ai.onnx}) domain. */
  public Node(String name, String opType, List<String> inputs, List<String> outputs) {
    this(name, opType, "", inputs, outputs);
  }

  /** A node of a given domain ({@code ""} is the default domain). */
  public Node(
      String name, String opType, String domain, List<String> inputs, List<String> outputs) {
    this.name = Objects.requireNonNull(name, "name");
    this.opType = requireText(opType, "opType");
    this.domain = Objects.requireNonNull(domain, "domain");
    this.inputs = new ArrayList<>(inputs);
    this.outputs = new ArrayList<>(outputs);
  }

  private static String requireText(String s, String what) {
    if (s == null || s.isEmpty()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
    return s;
  }

  public String name() {
    return name;
  }

  public Node name(String name) {
    this.name = Objects.requireNonNull(name, "name");
    return this;
  }

  public String opType() {
    return opType;
  }

  public Node opType(String opType) {
    this.opType = requireText(opType, "opType");
    return this;
  }

  /** The operator domain; {@code ""} for the default ONNX domain. */
  public String domain() {
    return domain;
  }

  public Node domain(String domain) {
    this.domain = Objects.requireNonNull(domain, "domain");
    return this;
  }

  /** The input tensor names (live). */
  public List<String> inputs() {
    return inputs;
  }

  /** Input {@code i}. */
  public String input(int i) {
    return inputs.get(i);
  }

  /** The output tensor names (live). */
  public List<String> outputs() {
    return outputs;
  }

  /** Output {@code i}. */
  public String output(int i) {
    return outputs.get(i);
  }

  /** The attributes by name, in order (live). */
  public Map<String, Attribute> attributes() {
    return attributes;
  }

  /** Sets an attribute, replacing one of the same name. */
  public Node attribute(Attribute a) {
    attributes.put(a.name(), a);
    return this;
  }

  /** The attribute named {@code name}, if set. */
  public Optional<Attribute> attribute(String name) {
    return Optional.ofNullable(attributes.get(name));
  }

  @Override
  public String toString() {
    return opType
        + (name.isEmpty() ? "" : " '" + name + "'")
        + inputs
        + " -> "
        + outputs
        + (attributes.isEmpty() ? "" : " " + attributes.values());
  }
}
