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

  /**
   * A node of the default ({@code ai.onnx}) domain, without attributes.
   *
   * @param name the node's name ({@code ""} allowed: ONNX node names are optional)
   * @param opType the operator type, e.g. {@code Conv}; not empty
   * @param inputs the input tensor names, in the operator's order; copied
   * @param outputs the output tensor names, in order; copied
   */
  public Node(String name, String opType, List<String> inputs, List<String> outputs) {
    this(name, opType, "", inputs, outputs);
  }

  /**
   * A node of a given domain ({@code ""} is the default domain), without attributes.
   *
   * @param name the node's name ({@code ""} allowed)
   * @param opType the operator type; not empty
   * @param domain the operator's domain, e.g. {@code com.microsoft}, or {@code ""}
   * @param inputs the input tensor names, in the operator's order; copied
   * @param outputs the output tensor names, in order; copied
   */
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

  /** {@return the node's name; {@code ""} when it has none} */
  public String name() {
    return name;
  }

  /**
   * Renames the node.
   *
   * @param name the new name, not {@code null}
   * @return this node
   */
  public Node name(String name) {
    this.name = Objects.requireNonNull(name, "name");
    return this;
  }

  /** {@return the operator type, e.g. {@code Conv}} */
  public String opType() {
    return opType;
  }

  /**
   * Changes the operator type (inputs, outputs and attributes stay).
   *
   * @param opType the new operator type; not empty
   * @return this node
   */
  public Node opType(String opType) {
    this.opType = requireText(opType, "opType");
    return this;
  }

  /** {@return the operator domain; {@code ""} for the default ONNX domain} */
  public String domain() {
    return domain;
  }

  /**
   * Changes the operator domain.
   *
   * @param domain the new domain; {@code ""} for the default one
   * @return this node
   */
  public Node domain(String domain) {
    this.domain = Objects.requireNonNull(domain, "domain");
    return this;
  }

  /** {@return the input tensor names, in order (live and mutable)} */
  public List<String> inputs() {
    return inputs;
  }

  /**
   * Input {@code i}.
   *
   * @param i the input's index, from 0
   * @return its tensor name; {@code ""} for an omitted optional input
   * @throws IndexOutOfBoundsException when there is no input {@code i}
   */
  public String input(int i) {
    return inputs.get(i);
  }

  /** {@return the output tensor names, in order (live and mutable)} */
  public List<String> outputs() {
    return outputs;
  }

  /**
   * Output {@code i}.
   *
   * @param i the output's index, from 0
   * @return its tensor name; {@code ""} for an omitted optional output
   * @throws IndexOutOfBoundsException when there is no output {@code i}
   */
  public String output(int i) {
    return outputs.get(i);
  }

  /** {@return the attributes by name, in insertion order (live and mutable)} */
  public Map<String, Attribute> attributes() {
    return attributes;
  }

  /**
   * Sets an attribute, replacing one of the same name (which keeps its position).
   *
   * @param a the attribute (immutable, kept)
   * @return this node
   */
  public Node attribute(Attribute a) {
    attributes.put(a.name(), a);
    return this;
  }

  /**
   * The attribute named {@code name}, if set.
   *
   * @param name the attribute's name
   * @return the attribute, or empty
   */
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
