package io.edgessl.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.InvalidProtocolBufferException;
import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.internal.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A mutable ONNX model with one subgraph-free graph: inputs, outputs, initializers and nodes in
 * topological order. Build one from scratch ({@link #create}, usually through {@link Ops}), or read
 * an existing model ({@link #load}) to edit it, e.g. to insert QuantizeLinear / DequantizeLinear
 * pairs or Casts; then {@link #save} it.
 *
 * {@snippet :
 * OnnxGraph g = OnnxGraph.create("mlp");
 * Ops ops = new Ops(g);
 * g.input("x", ElementType.FLOAT, Shape.batched("N", 4));
 * String h = ops.relu(ops.matMul("x", ops.weight("w1", Tensor.normal("w1", rnd, 0.5, 4, 8))));
 * g.output(ops.identity(h, "y"), ElementType.FLOAT, Shape.batched("N", 8));
 * g.save(Path.of("mlp.onnx"));
 * }
 *
 * <p>The lists and maps returned by {@link #inputs()}, {@link #outputs()}, {@link #nodes()}, {@link
 * #initializers()} are live: editing them edits the graph. {@link #check()} verifies that every
 * tensor is produced before it is read; {@link #sortNodes()} restores a topological order after
 * edits. Not thread-safe.
 */
public final class OnnxGraph {
  /** The opset written by default: 17, the first with LayerNormalization. */
  public static final int DEFAULT_OPSET = 17;

  /** IR version 8 (ONNX 1.12), which every opset from 17 on is defined for. */
  public static final long IR_VERSION = 8;

  private String name;
  private int opset;
  private long irVersion = IR_VERSION;
  private String producerName = "edgessl";
  private String producerVersion = "";
  private final Map<String, Long> domains = new LinkedHashMap<>();
  private final Map<String, String> metadata = new LinkedHashMap<>();
  private final List<ValueInfo> inputs = new ArrayList<>();
  private final List<ValueInfo> outputs = new ArrayList<>();
  private final Map<String, Tensor> initializers = new LinkedHashMap<>();
  private final List<Node> nodes = new ArrayList<>();

  private OnnxGraph(String name, int opset) {
    this.name = name;
    this.opset = opset;
  }

  /**
   * An empty graph at {@link #DEFAULT_OPSET}, IR version {@link #IR_VERSION}, producer {@code
   * edgessl}.
   *
   * @param name the graph's name
   * @return a new graph with no inputs, outputs, initializers or nodes
   */
  public static OnnxGraph create(String name) {
    return create(name, DEFAULT_OPSET);
  }

  /**
   * An empty graph at a given opset of the default domain (17 or later).
   *
   * @param name the graph's name
   * @param opset the opset version of the default domain
   * @return a new graph with no inputs, outputs, initializers or nodes
   * @throws IllegalArgumentException when {@code opset} is below 17
   */
  public static OnnxGraph create(String name, int opset) {
    if (opset < DEFAULT_OPSET) {
      throw new IllegalArgumentException("opset must be 17 or later: " + opset);
    }
    return new OnnxGraph(name, opset);
  }

  /**
   * Reads a model file.
   *
   * @param file the {@code .onnx} file; read whole into memory
   * @return a new graph holding the model's graph, opsets, IR version, producer and metadata
   * @throws EdgeSslException {@code FILE_NOT_FOUND}, {@code IO}, or {@code INVALID_MODEL} when it
   *     is not an ONNX model or holds what this class cannot represent (subgraphs, external data)
   */
  public static OnnxGraph load(Path file) throws EdgeSslException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new EdgeSslException(ErrorCode.FILE_NOT_FOUND, "ONNX model not found: " + file);
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot read " + file + ": " + e, e);
    }
    return read(bytes, file.toString());
  }

  /**
   * Reads a model from bytes; {@code source} names it in messages.
   *
   * @param bytes the serialized {@code ModelProto}; read, not kept
   * @param source what the bytes are (e.g. a file name), for error messages
   * @return a new graph holding the model's graph, opsets, IR version, producer and metadata
   * @throws EdgeSslException {@code INVALID_MODEL}, as {@link #load}
   */
  public static OnnxGraph read(byte[] bytes, String source) throws EdgeSslException {
    OnnxMl.ModelProto m;
    try {
      m = OnnxMl.ModelProto.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new EdgeSslException(
          ErrorCode.INVALID_MODEL, source + " is not an ONNX model: " + e.getMessage(), e);
    }
    try {
      return fromProto(m);
    } catch (Protos.Unsupported e) {
      throw new EdgeSslException(ErrorCode.INVALID_MODEL, source + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new EdgeSslException(ErrorCode.INVALID_MODEL, source + ": " + e.getMessage(), e);
    }
  }

  private static OnnxGraph fromProto(OnnxMl.ModelProto m) throws Protos.Unsupported {
    if (!m.hasGraph()) {
      throw new Protos.Unsupported("the model has no graph");
    }
    if (m.getFunctionsCount() > 0) {
      throw new Protos.Unsupported("the model defines functions");
    }
    int opset = -1;
    OnnxGraph g = new OnnxGraph(m.getGraph().getName(), 0);
    for (OnnxMl.OperatorSetIdProto o : m.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        opset = (int) o.getVersion();
      } else {
        g.domains.put(o.getDomain(), o.getVersion());
      }
    }
    if (opset < 1) {
      throw new Protos.Unsupported("the model imports no opset of the default domain");
    }
    g.opset = opset;
    g.irVersion = m.getIrVersion();
    g.producerName = m.getProducerName();
    g.producerVersion = m.getProducerVersion();
    for (OnnxMl.StringStringEntryProto e : m.getMetadataPropsList()) {
      g.metadata.put(e.getKey(), e.getValue());
    }
    OnnxMl.GraphProto gp = m.getGraph();
    if (gp.getSparseInitializerCount() > 0) {
      throw new Protos.Unsupported("the graph has sparse initializers");
    }
    for (OnnxMl.ValueInfoProto v : gp.getInputList()) {
      g.inputs.add(Protos.valueInfo(v));
    }
    for (OnnxMl.ValueInfoProto v : gp.getOutputList()) {
      g.outputs.add(Protos.valueInfo(v));
    }
    for (OnnxMl.TensorProto t : gp.getInitializerList()) {
      g.initializers.put(t.getName(), Protos.tensor(t));
    }
    for (OnnxMl.NodeProto n : gp.getNodeList()) {
      g.nodes.add(Protos.node(n));
    }
    return g;
  }

  /**
   * A deep copy that editing does not share with this graph: nodes, lists and maps are copied;
   * initializers are immutable and shared.
   *
   * @return a new graph equal to this one
   */
  public OnnxGraph copy() {
    OnnxGraph g = new OnnxGraph(name, opset);
    g.irVersion = irVersion;
    g.producerName = producerName;
    g.producerVersion = producerVersion;
    g.domains.putAll(domains);
    g.metadata.putAll(metadata);
    g.inputs.addAll(inputs);
    g.outputs.addAll(outputs);
    g.initializers.putAll(initializers);
    for (Node n : nodes) {
      Node c = new Node(n.name(), n.opType(), n.domain(), n.inputs(), n.outputs());
      n.attributes().values().forEach(c::attribute);
      g.nodes.add(c);
    }
    return g;
  }

  /**
   * The model as ONNX protobuf bytes: a {@code ModelProto} with this graph, the default domain's
   * opset and those of {@link #domains()}, the IR version, producer and metadata.
   *
   * @return a new array
   */
  public byte[] toBytes() {
    OnnxMl.GraphProto.Builder gb = OnnxMl.GraphProto.newBuilder().setName(name);
    for (ValueInfo v : inputs) {
      gb.addInput(Protos.valueInfo(v));
    }
    for (ValueInfo v : outputs) {
      gb.addOutput(Protos.valueInfo(v));
    }
    for (Tensor t : initializers.values()) {
      gb.addInitializer(Protos.tensor(t));
    }
    for (Node n : nodes) {
      gb.addNode(Protos.node(n));
    }
    OnnxMl.ModelProto.Builder mb =
        OnnxMl.ModelProto.newBuilder()
            .setIrVersion(irVersion)
            .setProducerName(producerName)
            .setProducerVersion(producerVersion)
            .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
            .setGraph(gb);
    domains.forEach(
        (d, v) ->
            mb.addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain(d).setVersion(v)));
    metadata.forEach(
        (k, v) ->
            mb.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
    return mb.build().toByteArray();
  }

  /**
   * Writes the model atomically (a crash leaves the old file or the new one, never half of one).
   *
   * @param file the file written, replaced if it exists
   * @throws EdgeSslException {@code IO} when writing fails
   */
  public void save(Path file) throws EdgeSslException {
    try {
      AtomicFiles.write(file, toBytes());
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot write " + file + ": " + e, e);
    }
  }

  /** {@return the graph's name} */
  public String name() {
    return name;
  }

  /**
   * Renames the graph.
   *
   * @param name the new name
   * @return this graph
   */
  public OnnxGraph name(String name) {
    this.name = name;
    return this;
  }

  /** {@return the opset version of the default domain} */
  public int opset() {
    return opset;
  }

  /**
   * Sets the opset version of the default domain written by {@link #toBytes()}. Nodes already built
   * are not changed: {@link Ops} writes the form of the opset at the time it is called.
   *
   * @param opset the opset version (not checked)
   * @return this graph
   */
  public OnnxGraph opset(int opset) {
    this.opset = opset;
    return this;
  }

  /** {@return the ONNX IR version written: {@link #IR_VERSION}, or the loaded model's} */
  public long irVersion() {
    return irVersion;
  }

  /**
   * Sets the ONNX IR version written by {@link #toBytes()}, e.g. when raising the opset to one that
   * a later IR version defines (opset 17 needs IR version 8).
   *
   * @param irVersion the IR version (not checked)
   * @return this graph
   */
  public OnnxGraph irVersion(long irVersion) {
    this.irVersion = irVersion;
    return this;
  }

  /**
   * Sets the producer name and version recorded in the model.
   *
   * @param name the producer's name, e.g. {@code edgessl}
   * @param version the producer's version; {@code ""} for none
   * @return this graph
   */
  public OnnxGraph producer(String name, String version) {
    this.producerName = name;
    this.producerVersion = version;
    return this;
  }

  /** {@return the producer name recorded in the model ({@code edgessl} by default)} */
  public String producerName() {
    return producerName;
  }

  /** {@return the producer version recorded in the model, e.g. {@code 1.13.1}; may be empty} */
  public String producerVersion() {
    return producerVersion;
  }

  /**
   * {@return the opset versions of other domains (e.g. {@code com.microsoft}) by domain; live and
   * mutable}
   */
  public Map<String, Long> domains() {
    return domains;
  }

  /** {@return the model's metadata properties, in order; live and mutable} */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** {@return the graph inputs, in order; live and mutable} */
  public List<ValueInfo> inputs() {
    return inputs;
  }

  /** {@return the graph outputs, in order; live and mutable} */
  public List<ValueInfo> outputs() {
    return outputs;
  }

  /** {@return the initializers by name, in insertion order; live and mutable} */
  public Map<String, Tensor> initializers() {
    return initializers;
  }

  /** {@return the nodes, in order; live and mutable} */
  public List<Node> nodes() {
    return nodes;
  }

  /**
   * Declares a graph input, appended to {@link #inputs()}.
   *
   * @param name the input tensor's name
   * @param type its element type
   * @param shape its declared shape (e.g. {@code [N, 3, 224, 224]} for NCHW images)
   * @return {@code name}
   */
  public String input(String name, ElementType type, Shape shape) {
    inputs.add(new ValueInfo(name, type, shape));
    return name;
  }

  /**
   * Declares a graph output (a tensor some node produces), appended to {@link #outputs()}.
   *
   * @param name the output tensor's name
   * @param type its element type
   * @param shape its declared shape
   * @return {@code name}
   */
  public String output(String name, ElementType type, Shape shape) {
    outputs.add(new ValueInfo(name, type, shape));
    return name;
  }

  /**
   * Adds an initializer under its own name.
   *
   * @param t the tensor (immutable, kept)
   * @return {@code t.name()}
   * @throws IllegalArgumentException when one of that name exists
   */
  public String initializer(Tensor t) {
    if (initializers.putIfAbsent(t.name(), t) != null) {
      throw new IllegalArgumentException("initializer " + t.name() + " exists already");
    }
    return t.name();
  }

  /**
   * Appends a node of the default domain, named uniquely after its operator type.
   *
   * @param opType the ONNX operator type
   * @param in the input tensor names; copied
   * @param out the output tensor names; copied
   * @param attributes the node's attributes (immutable, kept)
   * @return the node, now part of the graph (editing it edits the graph)
   */
  public Node node(String opType, List<String> in, List<String> out, Attribute... attributes) {
    Node n = new Node(uniqueName(opType), opType, in, out);
    for (Attribute a : attributes) {
      n.attribute(a);
    }
    nodes.add(n);
    return n;
  }

  /**
   * A tensor or node name not used yet: {@code prefix}, or {@code prefix_2}, {@code prefix_3}...
   * Names in use are those of initializers, graph inputs, nodes and node outputs. Nothing is
   * reserved: the name stays free until something uses it.
   *
   * @param prefix the name wanted
   * @return {@code prefix} or the first free suffixed form
   */
  public String uniqueName(String prefix) {
    Set<String> taken = names();
    if (!taken.contains(prefix)) {
      return prefix;
    }
    for (int i = 2; ; i++) {
      String n = prefix + "_" + i;
      if (!taken.contains(n)) {
        return n;
      }
    }
  }

  private Set<String> names() {
    Set<String> s = new HashSet<>(initializers.keySet());
    inputs.forEach(v -> s.add(v.name()));
    for (Node n : nodes) {
      s.add(n.name());
      s.addAll(n.outputs());
    }
    return s;
  }

  /**
   * The node that produces {@code tensor}, if a node does.
   *
   * @param tensor the tensor's name
   * @return the first node listing it as an output (live), or empty
   */
  public Optional<Node> producer(String tensor) {
    for (Node n : nodes) {
      if (n.outputs().contains(tensor)) {
        return Optional.of(n);
      }
    }
    return Optional.empty();
  }

  /**
   * The nodes that read {@code tensor}, in order.
   *
   * @param tensor the tensor's name
   * @return a new list of the (live) nodes listing it as an input; each node once
   */
  public List<Node> consumers(String tensor) {
    List<Node> l = new ArrayList<>();
    for (Node n : nodes) {
      if (n.inputs().contains(tensor)) {
        l.add(n);
      }
    }
    return l;
  }

  /**
   * Makes every node input and graph output that reads {@code tensor} read {@code replacement}
   * instead (what inserting a node after {@code tensor} needs). Returns how many places changed.
   *
   * @param tensor the name read now
   * @param replacement the name to read instead
   * @return the number of node inputs and graph outputs changed
   */
  public int replaceUses(String tensor, String replacement) {
    int changed = 0;
    for (Node n : nodes) {
      for (int i = 0; i < n.inputs().size(); i++) {
        if (n.inputs().get(i).equals(tensor)) {
          n.inputs().set(i, replacement);
          changed++;
        }
      }
    }
    for (int i = 0; i < outputs.size(); i++) {
      ValueInfo v = outputs.get(i);
      if (v.name().equals(tensor)) {
        outputs.set(i, new ValueInfo(replacement, v.type(), v.shape()));
        changed++;
      }
    }
    return changed;
  }

  /**
   * Reorders the nodes topologically, keeping the current order wherever it already is one (Kahn's
   * algorithm, taking ready nodes in their current order).
   *
   * @throws IllegalStateException when the nodes form a cycle or read a tensor nothing produces
   */
  public void sortNodes() {
    Set<String> available = new HashSet<>(initializers.keySet());
    inputs.forEach(v -> available.add(v.name()));
    available.add("");
    Map<String, List<Node>> waiting = new HashMap<>();
    Map<Node, Integer> missing = new LinkedHashMap<>();
    Deque<Node> ready = new ArrayDeque<>();
    for (Node n : nodes) {
      int m = 0;
      for (String in : new LinkedHashSet<>(n.inputs())) {
        if (!available.contains(in)) {
          waiting.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
          m++;
        }
      }
      missing.put(n, m);
      if (m == 0) {
        ready.add(n);
      }
    }
    List<Node> sorted = new ArrayList<>(nodes.size());
    while (!ready.isEmpty()) {
      Node n = ready.poll();
      sorted.add(n);
      for (String out : n.outputs()) {
        for (Node w : waiting.getOrDefault(out, List.of())) {
          int m = missing.merge(w, -1, Integer::sum);
          if (m == 0) {
            ready.add(w);
          }
        }
        waiting.remove(out);
      }
    }
    if (sorted.size() != nodes.size()) {
      String what = waiting.keySet().iterator().next();
      throw new IllegalStateException(
          "cannot order the nodes: '" + what + "' is read but never produced, or is in a cycle");
    }
    nodes.clear();
    nodes.addAll(sorted);
  }

  /**
   * Checks that the graph is well formed: every tensor a node or graph output reads is a graph
   * input, an initializer or the output of an earlier node, and no tensor is produced twice.
   *
   * @throws IllegalStateException naming the first node and tensor at fault
   */
  public void check() {
    Set<String> defined = new HashSet<>();
    for (ValueInfo v : inputs) {
      if (!defined.add(v.name())) {
        throw new IllegalStateException("graph input '" + v.name() + "' is declared twice");
      }
    }
    defined.addAll(initializers.keySet());
    for (Node n : nodes) {
      for (String in : n.inputs()) {
        if (!in.isEmpty() && !defined.contains(in)) {
          throw new IllegalStateException(
              "node " + describe(n) + " reads '" + in + "', which nothing before it produces");
        }
      }
      for (String out : n.outputs()) {
        if (!out.isEmpty() && !defined.add(out)) {
          throw new IllegalStateException(
              "node " + describe(n) + " writes '" + out + "', which is already defined");
        }
      }
    }
    for (ValueInfo v : outputs) {
      if (!defined.contains(v.name())) {
        throw new IllegalStateException("graph output '" + v.name() + "' is never produced");
      }
    }
  }

  private static String describe(Node n) {
    return "'" + n.name() + "' (" + n.opType() + ")";
  }

  @Override
  public String toString() {
    return "OnnxGraph["
        + name
        + ", opset "
        + opset
        + ", "
        + nodes.size()
        + " nodes, "
        + initializers.size()
        + " initializers]";
  }
}
