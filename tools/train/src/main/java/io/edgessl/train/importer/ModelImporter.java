package io.edgessl.train.importer;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.bundle.BundleWriter;
import io.edgessl.bundle.ImportSource;
import io.edgessl.bundle.Manifest;
import io.edgessl.bundle.ModelBundle;
import io.edgessl.bundle.Precision;
import io.edgessl.bundle.Provenance;
import io.edgessl.image.ColorMode;
import io.edgessl.image.Preprocessing;
import io.edgessl.onnx.ElementType;
import io.edgessl.onnx.Node;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.Ops;
import io.edgessl.onnx.Shape;
import io.edgessl.onnx.Tensor;
import io.edgessl.onnx.ValueInfo;
import io.edgessl.onnx.canon.Canonicalizer;
import io.edgessl.onnx.canon.GraphEvaluator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * {@code edgessl import}: turns an ONNX export of a self-supervised encoder (DINO, DINOv2 with or
 * without registers, MAE, an ImageNet CNN) into a bundle the SDK runs like its own.
 *
 * <p>Steps, each failing with a message that names the problem and the option that fixes it, and
 * writing nothing:
 *
 * <ol>
 *   <li>Read the graph; refuse operators outside the standard and Microsoft domains.
 *   <li>Find the one image-like input (float, {@code [N, 1 or 3, H, W]}); fix a dynamic spatial
 *       size to {@link ImportOptions#size} (required then, checked otherwise).
 *   <li>Run the original graph on a probe batch through ONNX Runtime: every output's shape and
 *       finite values. Read the patch size from the patch-embedding Conv (kernel = stride).
 *   <li>Recognise the layouts: a pooled {@code [N, D]}; a token sequence {@code [N, T, D]} with
 *       [CLS] first, then registers, then the patches; patch tokens alone {@code [N, h * w, D]}; a
 *       CNN map {@code [N, C, h, w]}. Choose the embedding and patch sources (the options name them
 *       when several fit; a lone pooled output is traced back to the map or tokens before it).
 *   <li>Append the nodes that make {@code embedding} {@code [N, D]} and {@code patch_grid} {@code
 *       [N, h, w, D]} (Gather, Slice, Reshape, Transpose, ReduceMean), drop the other outputs, and
 *       canonicalize ({@link Canonicalizer}).
 *   <li>Run the result on the probe batch, and on its first image alone: it must equal the
 *       original's outputs, rearranged by the layout, within the tolerance (relative to their
 *       largest value), whatever the batch size.
 *   <li>Write the bundle atomically, its manifest (format 2) recording the source file, the layouts
 *       and the rewrites.
 * </ol>
 */
public final class ModelImporter {
  /** The bundle's one model file. */
  public static final String MODEL_FILE = "encoder.fp32.onnx";

  private static final Set<String> DOMAINS = Set.of("", "ai.onnx", "com.microsoft");
  private static final int PROBE_BATCH = 2;
  private static final int MAX_REGISTERS = 64;

  /**
   * What an import did.
   *
   * @param manifest the manifest written
   * @param embeddingSource how the embedding is made, e.g. {@code cls_token of 'x_norm'}
   * @param patchSource how the patch grid is made, e.g. {@code tokens 'x_norm' after 5 prefix
   *     tokens}
   * @param rewrites canonicalization's rewrites by kind
   * @param opsBefore operator counts of the imported graph
   * @param opsAfter operator counts of the bundle's graph
   * @param maxAbsDiff the largest difference between the bundle's outputs and the original's
   * @param scale the largest absolute value of the original's outputs
   * @param notes choices the importer made that the user may want to know of
   */
  public record Result(
      Manifest manifest,
      String embeddingSource,
      String patchSource,
      Map<String, Long> rewrites,
      Map<String, Integer> opsBefore,
      Map<String, Integer> opsAfter,
      double maxAbsDiff,
      double scale,
      List<String> notes) {}

  /** A graph output (or a tensor before one) and what its probe shape says it is. */
  private record Source(String tensor, long[] shape, Kind kind, int prefix) {
    String describe() {
      return "'" + tensor + "' " + Arrays.toString(shape).replace("2, ", "N, ");
    }
  }

  private enum Kind {
    POOLED,
    TOKENS,
    PATCH_TOKENS,
    MAP,
    OTHER
  }

  private final ImportOptions o;
  private final List<String> notes = new ArrayList<>();
  private String model;

  private ModelImporter(ImportOptions o) {
    this.o = o;
  }

  /**
   * Imports {@code o.model()} into a bundle at {@code o.out()}.
   *
   * @param o what to import and how
   * @return what was written and how it was made
   * @throws EdgeSslException {@code FILE_NOT_FOUND} or {@code IO} for the files, {@code
   *     INVALID_MODEL} when the model cannot be imported (the message says why and which option
   *     helps)
   * @throws IllegalArgumentException for options that contradict the model or each other
   */
  public static Result importModel(ImportOptions o) throws EdgeSslException {
    return new ModelImporter(o).run();
  }

  private Result run() throws EdgeSslException {
    model = o.model().toString();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(o.model());
    } catch (NoSuchFileException e) {
      throw new EdgeSslException(ErrorCode.FILE_NOT_FOUND, "ONNX model not found: " + model);
    } catch (IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot read " + model + ": " + e, e);
    }
    String outName = o.out().getFileName() == null ? "" : o.out().getFileName().toString();
    if (!outName.endsWith(ModelBundle.EXTENSION) && Files.exists(o.out())) {
      throw new IllegalArgumentException(
          o.out() + " exists; remove it first, or write a " + ModelBundle.EXTENSION + " file");
    }
    Path parent = o.out().toAbsolutePath().getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new IllegalArgumentException("directory " + parent + " does not exist");
    }
    OnnxGraph original = OnnxGraph.read(bytes, model);
    checkOperators(original);
    if (original.opset() < 11) {
      throw invalid(
          "opset "
              + original.opset()
              + " is too old to import (11 or newer): export again with a newer opset_version");
    }
    ValueInfo input = imageInput(original);
    int channels = (int) (long) (Long) input.shape().dim(1);
    int[] hw = spatialSize(input);
    int h = hw[0];
    int w = hw[1];
    GraphEvaluator ort = new OrtGraphEvaluator(o.threads(), model);

    OnnxGraph g = original.copy();
    Object batchDim = input.shape().dim(0);
    Shape fixed = Shape.ofDims(List.of(batchDim, (long) channels, (long) h, (long) w));
    g.inputs().set(g.inputs().indexOf(input), new ValueInfo(input.name(), input.type(), fixed));
    if (batchDim instanceof Long b && b != 1) {
      throw invalid(
          "input '"
              + input.name()
              + "' has a fixed batch of "
              + b
              + ": export with a dynamic batch axis (dynamic_axes={'"
              + input.name()
              + "': {0: 'N'}}) or batch 1");
    }
    int probeBatch = batchDim instanceof Long ? 1 : PROBE_BATCH;

    Tensor probe = probeImages(input.name(), probeBatch, channels, h, w);
    List<String> outputNames = new ArrayList<>();
    original.outputs().forEach(v -> outputNames.add(v.name()));
    Map<String, Tensor> reference;
    try {
      reference = ort.run(g, Map.of(input.name(), probe), outputNames);
    } catch (EdgeSslException e) {
      if (!(input.shape().dim(2) instanceof Long)) {
        throw new EdgeSslException(
            e.code(),
            e.getMessage()
                + "; nothing written. The graph's height and width are declared dynamic, but a"
                + " traced export often runs only at the size it was traced at (position"
                + " embeddings interpolated with constant scales): try --size with that size, or"
                + " export again at the size you want",
            e);
      }
      throw e;
    }
    for (Tensor t : reference.values()) {
      requireFinite(t, "output '" + t.name() + "' of the original model");
    }

    int patch = patchSize(original, input.name(), h, w);
    Map<String, Source> outputs = new LinkedHashMap<>();
    for (String name : outputNames) {
      outputs.put(name, classify(name, reference.get(name).dims(), patch, h, w, probeBatch));
    }
    Source patches = patchSource(g, input.name(), probe, outputs, patch, h, w, probeBatch, ort);
    if (patches.kind() != Kind.MAP && patch == 0) {
      throw invalid("no patch size: give --patch-size");
    }
    int stride = patches.kind() == Kind.MAP ? (int) (h / patches.shape()[2]) : patch;
    int gh = h / stride;
    int gw = w / stride;
    ImportPreset preset = preset(patches, patch);
    String pooling = pooling(preset, patches);
    Source embedding = embeddingSource(outputs, patches, pooling);
    String embeddingLayout = embeddingLayout(embedding, pooling);
    if (!reference.containsKey(patches.tensor())) {
      reference.putAll(
          ort.run(
              withOutputs(g, List.of(patches.tensor())),
              Map.of(input.name(), probe),
              List.of(patches.tensor())));
    }

    // The adapters: embedding [N, D] and patch_grid [N, gh, gw, D], the only outputs.
    Map<String, Integer> opsBefore = opCounts(original);
    Ops ops = new Ops(g).scope("edgessl_import");
    String emb = embeddingTensor(ops, embedding, patches, embeddingLayout);
    String grid = gridTensor(ops, patches, gh, gw);
    String embName = g.uniqueName("embedding");
    String gridName = g.uniqueName("patch_grid");
    int dim =
        (int)
            (embeddingLayout.equals("map_average")
                ? patches.shape()[1]
                : embedding.shape()[embedding.shape().length - 1]);
    int pdim = (int) (patches.kind() == Kind.MAP ? patches.shape()[1] : patches.shape()[2]);
    g.outputs().clear();
    Object n = batchDim instanceof Long ? batchDim : "N";
    g.output(ops.identity(emb, embName), ElementType.FLOAT, Shape.ofDims(List.of(n, (long) dim)));
    g.output(
        ops.identity(grid, gridName),
        ElementType.FLOAT,
        Shape.ofDims(List.of(n, (long) gh, (long) gw, (long) pdim)));
    Map<String, Long> rewrites =
        o.canonicalize() ? Canonicalizer.apply(g, input.name(), ort) : Canonicalizer.cleanupOnly(g);
    g.check();

    // Validation: the bundle's graph against the original, at the probe batch and at batch 1.
    float[] wantEmb =
        expectedEmbedding(reference, embedding, patches, embeddingLayout, probeBatch, dim);
    float[] wantGrid = expectedGrid(reference, patches, probeBatch, gh, gw, pdim);
    Map<String, Tensor> got = ort.run(g, Map.of(input.name(), probe), List.of(embName, gridName));
    double[] diff = {0, 0};
    compare(got.get(embName), wantEmb, new long[] {probeBatch, dim}, "embedding", diff);
    compare(got.get(gridName), wantGrid, new long[] {probeBatch, gh, gw, pdim}, "patch_grid", diff);
    if (probeBatch > 1) {
      Tensor one = firstImage(probe);
      Map<String, Tensor> single =
          ort.run(g, Map.of(input.name(), one), List.of(embName, gridName));
      compare(
          single.get(embName),
          Arrays.copyOf(wantEmb, dim),
          new long[] {1, dim},
          "embedding at batch 1",
          diff);
      compare(
          single.get(gridName),
          Arrays.copyOf(wantGrid, gh * gw * pdim),
          new long[] {1, gh, gw, pdim},
          "patch_grid at batch 1",
          diff);
    }
    if (!(diff[0] <= o.tolerance() * diff[1])) {
      throw invalid(
          String.format(
              Locale.ROOT,
              "the imported graph does not reproduce the original: max |diff| %.3g is above %.3g"
                  + " of the output scale %.4g (try --no-canonicalize, and report the model)",
              diff[0],
              o.tolerance(),
              diff[1]));
    }

    String name = o.name() != null ? o.name() : bundleName(o.out());
    Preprocessing pre = preprocessing(preset, h, w, channels);
    ImportSource source =
        new ImportSource(
            o.model().getFileName().toString(),
            ModelBundle.sha256(bytes),
            producer(original),
            original.opset(),
            preset.id(),
            embedding.tensor(),
            embeddingLayout,
            patches.tensor(),
            patches.kind() == Kind.MAP
                ? "feature_map"
                : patches.kind() == Kind.TOKENS ? "tokens" : "patch_tokens",
            patches.prefix(),
            patches.kind() == Kind.TOKENS ? patches.prefix() - 1 : 0,
            rewrites);
    Manifest.Builder mb =
        Manifest.builder()
            .name(name)
            .architecture(architecture(patches, patch, stride, pdim, embeddingLayout))
            .inputName(input.name())
            .preprocessing(pre)
            .embedding(dim, embName, gridName)
            .embeddingPooling(
                embeddingLayout.equals("cls_token")
                    ? "cls"
                    : embeddingLayout.equals("pooled") ? null : "gap")
            .precision(Precision.FP32, MODEL_FILE)
            .provenance(
                new Provenance(
                    "import:" + preset.id(), o.model().getFileName().toString(), 0, "unknown"))
            .source(source);
    if (patch > 0 && patches.kind() != Kind.MAP) {
      mb.patchSize(patch);
    } else {
      mb.featureStride(stride);
    }
    if (pdim != dim) {
      mb.patchFeatureSize(pdim);
    }
    g.producer("edgessl import", "");
    byte[] onnx = g.toBytes();
    Manifest written = BundleWriter.write(o.out(), mb, Map.of(MODEL_FILE, onnx));
    return new Result(
        written,
        embeddingLayout + " of '" + embedding.tensor() + "'",
        source.patchLayout()
            + " '"
            + patches.tensor()
            + "'"
            + (patches.prefix() > 0 ? " after " + patches.prefix() + " prefix tokens" : ""),
        rewrites,
        opsBefore,
        opCounts(g),
        diff[0],
        diff[1],
        List.copyOf(notes));
  }

  // ---- the graph's input, operators and patch size

  private void checkOperators(OnnxGraph g) throws EdgeSslException {
    for (Node n : g.nodes()) {
      if (!DOMAINS.contains(n.domain())) {
        throw invalid(
            "operator "
                + n.domain()
                + "::"
                + n.opType()
                + " (node '"
                + n.name()
                + "') is not supported: EdgeSSL runs standard ONNX operators (and ONNX Runtime's"
                + " com.microsoft ones); export without custom operators");
      }
    }
  }

  private ValueInfo imageInput(OnnxGraph g) throws EdgeSslException {
    List<ValueInfo> inputs = new ArrayList<>();
    for (ValueInfo v : g.inputs()) {
      if (!g.initializers().containsKey(v.name())) {
        inputs.add(v);
      }
    }
    List<ValueInfo> images = new ArrayList<>();
    for (ValueInfo v : inputs) {
      Shape s = v.shape();
      if (v.type() == ElementType.FLOAT
          && s.isKnown()
          && s.rank() == 4
          && (Long.valueOf(3).equals(s.dim(1)) || Long.valueOf(1).equals(s.dim(1)))) {
        images.add(v);
      }
    }
    StringBuilder list = new StringBuilder();
    for (ValueInfo v : inputs) {
      list.append(list.length() == 0 ? "" : ", ")
          .append(v.name())
          .append(' ')
          .append(v.type())
          .append(' ')
          .append(v.shape());
    }
    if (images.isEmpty()) {
      throw invalid(
          "no image-like input: EdgeSSL needs one float32 input [N, 3 or 1, H, W]; the model's"
              + " inputs are "
              + (list.length() == 0 ? "none" : list));
    }
    if (inputs.size() > 1) {
      throw invalid(
          "the model has "
              + inputs.size()
              + " inputs ("
              + list
              + "): EdgeSSL feeds exactly one, the image; export with the others as constants");
    }
    return images.get(0);
  }

  private int[] spatialSize(ValueInfo input) {
    Object dh = input.shape().dim(2);
    Object dw = input.shape().dim(3);
    boolean dynamic = !(dh instanceof Long) || !(dw instanceof Long);
    if (o.height() == 0) {
      if (dynamic) {
        throw new IllegalArgumentException(
            "input '"
                + input.name()
                + "' has a dynamic spatial size "
                + input.shape()
                + ": give the size to import at with --size H[xW] (e.g. --size 224)");
      }
      return new int[] {(int) (long) (Long) dh, (int) (long) (Long) dw};
    }
    if (dh instanceof Long fh && fh != o.height() || dw instanceof Long fw && fw != o.width()) {
      throw new IllegalArgumentException(
          "--size "
              + o.height()
              + "x"
              + o.width()
              + " does not match input '"
              + input.name()
              + "' "
              + input.shape()
              + ": the graph's size is fixed; leave --size out or export with dynamic height and"
              + " width");
    }
    return new int[] {o.height(), o.width()};
  }

  /**
   * The patch size: the kernel of a Conv reading the input (through at most a few element-wise
   * operators) whose kernel equals its stride; 0 when there is none (a CNN). Checked against {@link
   * ImportOptions#patchSize()}.
   */
  private int patchSize(OnnxGraph g, String input, int h, int w) throws EdgeSslException {
    Set<String> reach = new HashSet<>(Set.of(input));
    Node conv = null;
    for (Node n : g.nodes()) {
      if (n.inputs().isEmpty() || !reach.contains(n.input(0))) {
        continue;
      }
      if (n.opType().equals("Conv")) {
        conv = n;
        break;
      }
      if (Set.of("Cast", "Identity", "Sub", "Div", "Mul", "Add", "Pad").contains(n.opType())) {
        reach.addAll(n.outputs());
      }
    }
    int found = 0;
    if (conv != null) {
      long[] k = conv.attribute("kernel_shape").map(a -> a.asLongs()).orElse(null);
      long[] s = conv.attribute("strides").map(a -> a.asLongs()).orElse(null);
      if (k == null) {
        Tensor weight = g.initializers().get(conv.input(1));
        if (weight != null && weight.dims().length == 4) {
          k = new long[] {weight.dims()[2], weight.dims()[3]};
        }
      }
      if (k != null
          && s != null
          && k.length == 2
          && Arrays.equals(k, s)
          && k[0] == k[1]
          && k[0] > 1) {
        found = (int) k[0];
      }
    }
    if (o.patchSize() > 0) {
      if (found > 0 && found != o.patchSize()) {
        throw new IllegalArgumentException(
            "--patch-size "
                + o.patchSize()
                + " does not match the patch-embedding Conv '"
                + conv.name()
                + "', whose kernel and stride are "
                + found);
      }
      found = o.patchSize();
    }
    if (found > 0 && (h % found != 0 || w % found != 0)) {
      throw new IllegalArgumentException(
          "input size "
              + h
              + "x"
              + w
              + " is not a multiple of the patch size "
              + found
              + ": choose --size accordingly");
    }
    return found;
  }

  // ---- layouts

  private Source classify(String tensor, long[] s, int patch, int h, int w, int batch) {
    if (s.length < 1 || s[0] != batch) {
      return new Source(tensor, s, Kind.OTHER, 0);
    }
    if (s.length == 2) {
      return new Source(tensor, s, Kind.POOLED, 0);
    }
    if (s.length == 3 && patch > 0) {
      long cells = (long) (h / patch) * (w / patch);
      long prefix = s[1] - cells;
      if (prefix == 0) {
        return new Source(tensor, s, Kind.PATCH_TOKENS, 0);
      }
      if (prefix >= 1 && prefix <= 1 + MAX_REGISTERS) {
        return new Source(tensor, s, Kind.TOKENS, (int) prefix);
      }
    }
    if (s.length == 4
        && s[2] > 0
        && s[3] > 0
        && h % s[2] == 0
        && w % s[3] == 0
        && h / s[2] == w / s[3]
        && s[2] < h) {
      return new Source(tensor, s, Kind.MAP, 0);
    }
    return new Source(tensor, s, Kind.OTHER, 0);
  }

  private Source patchSource(
      OnnxGraph g,
      String input,
      Tensor probe,
      Map<String, Source> outputs,
      int patch,
      int h,
      int w,
      int batch,
      GraphEvaluator ort)
      throws EdgeSslException {
    Source chosen;
    if (o.patchOutput() != null) {
      chosen = named(outputs, o.patchOutput(), "--patch-tokens");
      if (chosen.kind() == Kind.POOLED || chosen.kind() == Kind.OTHER) {
        throw new IllegalArgumentException(
            "--patch-tokens "
                + chosen.describe()
                + " is not a token sequence [N, T, D] with T = "
                + (patch > 0
                    ? (h / patch) * (w / patch) + " patches (+ [CLS] and registers)"
                    : "prefix + patches")
                + " nor a feature map [N, C, h, w]"
                + (patch == 0 ? " (no patch size found: give --patch-size)" : ""));
      }
    } else {
      List<Source> spatial = new ArrayList<>();
      for (Source s : outputs.values()) {
        if (s.kind() == Kind.TOKENS || s.kind() == Kind.PATCH_TOKENS || s.kind() == Kind.MAP) {
          spatial.add(s);
        }
      }
      if (spatial.size() > 1) {
        throw new IllegalArgumentException(
            "several outputs hold patch features: "
                + describe(spatial)
                + "; choose one with --patch-tokens OUTPUT");
      }
      chosen =
          spatial.isEmpty()
              ? traceBack(g, input, probe, outputs, patch, h, w, batch, ort)
              : spatial.get(0);
    }
    if (chosen.kind() == Kind.TOKENS
        && o.registers() >= 0
        && chosen.prefix() != 1 + o.registers()) {
      throw new IllegalArgumentException(
          "--registers "
              + o.registers()
              + " does not match "
              + chosen.describe()
              + ": it has "
              + chosen.prefix()
              + " token(s) before its "
              + (h / patch) * (w / patch)
              + " patches, i.e. [CLS] and "
              + (chosen.prefix() - 1)
              + " register(s)");
    }
    if (chosen.kind() == Kind.PATCH_TOKENS && o.registers() > 0) {
      throw new IllegalArgumentException(
          "--registers "
              + o.registers()
              + " does not match "
              + chosen.describe()
              + ": it holds the patches only");
    }
    return chosen;
  }

  /**
   * A lone pooled output: the map or token sequence it is pooled from (through GlobalAveragePool,
   * ReduceMean, Flatten, Reshape, Squeeze, Gather or Slice).
   */
  private Source traceBack(
      OnnxGraph g,
      String input,
      Tensor probe,
      Map<String, Source> outputs,
      int patch,
      int h,
      int w,
      int batch,
      GraphEvaluator ort)
      throws EdgeSslException {
    Set<String> through =
        Set.of(
            "GlobalAveragePool",
            "ReduceMean",
            "Flatten",
            "Reshape",
            "Squeeze",
            "Gather",
            "Slice",
            "Identity");
    List<String> candidates = new ArrayList<>();
    Deque<String> todo = new ArrayDeque<>();
    for (Source s : outputs.values()) {
      if (s.kind() == Kind.POOLED) {
        todo.add(s.tensor());
      }
    }
    Set<String> seen = new HashSet<>();
    while (!todo.isEmpty() && candidates.size() < 16) {
      String t = todo.poll();
      if (!seen.add(t)) {
        continue;
      }
      g.producer(t)
          .filter(n -> through.contains(n.opType()))
          .ifPresent(
              n -> {
                String data = n.input(0);
                if (!g.initializers().containsKey(data) && !data.equals(input)) {
                  candidates.add(data);
                  todo.add(data);
                }
              });
    }
    if (!candidates.isEmpty()) {
      Map<String, Tensor> values =
          ort.run(withOutputs(g, candidates), Map.of(input, probe), candidates);
      for (String c : candidates) {
        Source s = classify(c, values.get(c).dims(), patch, h, w, batch);
        if (s.kind() == Kind.TOKENS || s.kind() == Kind.PATCH_TOKENS || s.kind() == Kind.MAP) {
          notes.add(
              "patch features: "
                  + s.describe()
                  + ", the tensor the pooled output is computed from");
          return s;
        }
      }
    }
    throw invalid(
        "no output holds patch features (a token sequence [N, T, D] or a feature map [N, C, h, w]);"
            + " outputs: "
            + describe(outputs.values())
            + ". Export the patch tokens or the last feature map as an output too, and name it with"
            + " --patch-tokens");
  }

  private static OnnxGraph withOutputs(OnnxGraph g, List<String> tensors) {
    OnnxGraph c = g.copy();
    Set<String> have = new HashSet<>();
    c.outputs().forEach(v -> have.add(v.name()));
    for (String t : tensors) {
      if (!have.contains(t)) {
        c.output(t, ElementType.FLOAT, Shape.UNKNOWN);
      }
    }
    return c;
  }

  private ImportPreset preset(Source patches, int patch) {
    if (o.preset() != null) {
      if (patches.kind() == Kind.MAP && o.preset() != ImportPreset.IMAGENET_CNN) {
        notes.add("preset " + o.preset().id() + " on a CNN feature map");
      }
      return o.preset();
    }
    ImportPreset p =
        patches.kind() == Kind.MAP
            ? ImportPreset.IMAGENET_CNN
            : patch == 14 || patches.prefix() > 1 ? ImportPreset.DINOV2 : ImportPreset.DINO;
    notes.add("preset " + p.id() + " (from the layout; --preset to choose another)");
    return p;
  }

  private String pooling(ImportPreset preset, Source patches) {
    String p = o.pooling() != null ? o.pooling() : preset.pooling();
    if (!p.equals("cls") && !p.equals("gap")) {
      throw new IllegalArgumentException("--embedding-pooling '" + p + "' is not one of cls, gap");
    }
    if (p.equals("cls") && patches.kind() != Kind.TOKENS) {
      if (o.pooling() != null && o.embeddingOutput() == null) {
        throw new IllegalArgumentException(
            "--embedding-pooling cls needs a token sequence with [CLS]; "
                + patches.describe()
                + " has none");
      }
      return "gap";
    }
    return p;
  }

  private Source embeddingSource(Map<String, Source> outputs, Source patches, String pooling) {
    if (o.embeddingOutput() != null) {
      Source s = named(outputs, o.embeddingOutput(), "--embedding");
      if (s.kind() == Kind.OTHER) {
        throw new IllegalArgumentException(
            "--embedding "
                + s.describe()
                + " is neither [N, D] nor a token sequence or feature map");
      }
      if (s.kind() != Kind.POOLED && !s.tensor().equals(patches.tensor())) {
        throw new IllegalArgumentException(
            "--embedding "
                + s.describe()
                + " is not pooled [N, D]; to pool the patch features, leave --embedding out and use --embedding-pooling");
      }
      return s;
    }
    List<Source> pooled = new ArrayList<>();
    for (Source s : outputs.values()) {
      if (s.kind() == Kind.POOLED) {
        pooled.add(s);
      }
    }
    if (o.pooling() != null || pooled.isEmpty()) {
      return patches;
    }
    if (pooled.size() > 1) {
      throw new IllegalArgumentException(
          "several outputs could be the embedding: "
              + describe(pooled)
              + "; choose one with --embedding OUTPUT (or pool the patch features with"
              + " --embedding-pooling cls|gap)");
    }
    return pooled.get(0);
  }

  private static String embeddingLayout(Source e, String pooling) {
    return switch (e.kind()) {
      case POOLED -> "pooled";
      case TOKENS -> pooling.equals("cls") ? "cls_token" : "mean_patch_tokens";
      case PATCH_TOKENS -> "mean_patch_tokens";
      case MAP -> "map_average";
      default -> throw new IllegalStateException(e.toString());
    };
  }

  private Source named(Map<String, Source> outputs, String name, String flag) {
    Source s = outputs.get(name);
    if (s == null) {
      throw new IllegalArgumentException(
          flag
              + " '"
              + name
              + "' is not an output of the model; its outputs: "
              + describe(outputs.values()));
    }
    return s;
  }

  private static String describe(java.util.Collection<Source> sources) {
    StringBuilder b = new StringBuilder();
    for (Source s : sources) {
      b.append(b.length() == 0 ? "" : ", ").append(s.describe());
    }
    return b.toString();
  }

  // ---- adapters and their expected values

  private static String embeddingTensor(Ops ops, Source e, Source patches, String layout) {
    return switch (layout) {
      case "pooled" -> e.tensor();
      case "cls_token" -> ops.gather(e.tensor(), 0, 1);
      case "mean_patch_tokens" -> ops.reduceMean(patchTokens(ops, patches), new long[] {1}, false);
      case "map_average" -> ops.reduceMean(patches.tensor(), new long[] {2, 3}, false);
      default -> throw new IllegalStateException(layout);
    };
  }

  private static String patchTokens(Ops ops, Source p) {
    if (p.kind() != Kind.TOKENS) {
      return p.tensor();
    }
    return ops.slice(
        p.tensor(),
        new long[] {p.prefix()},
        new long[] {p.shape()[1]},
        new long[] {1},
        new long[] {1});
  }

  private static String gridTensor(Ops ops, Source p, int gh, int gw) {
    if (p.kind() == Kind.MAP) {
      return ops.transpose(p.tensor(), 0, 2, 3, 1);
    }
    return ops.reshape(patchTokens(ops, p), 0, gh, gw, p.shape()[2]);
  }

  private static float[] expectedEmbedding(
      Map<String, Tensor> ref, Source e, Source p, String layout, int n, int dim) {
    float[] out = new float[n * dim];
    switch (layout) {
      case "pooled" -> System.arraycopy(ref.get(e.tensor()).toFloats(), 0, out, 0, out.length);
      case "cls_token" -> {
        float[] t = ref.get(e.tensor()).toFloats();
        long tokens = e.shape()[1];
        for (int i = 0; i < n; i++) {
          System.arraycopy(t, (int) (i * tokens * dim), out, i * dim, dim);
        }
      }
      case "mean_patch_tokens" -> {
        float[] t = ref.get(p.tensor()).toFloats();
        int tokens = (int) p.shape()[1];
        double[] acc = new double[dim];
        for (int i = 0; i < n; i++) {
          Arrays.fill(acc, 0);
          for (int k = p.prefix(); k < tokens; k++) {
            for (int d = 0; d < dim; d++) {
              acc[d] += t[(i * tokens + k) * dim + d];
            }
          }
          for (int d = 0; d < dim; d++) {
            out[i * dim + d] = (float) (acc[d] / (tokens - p.prefix()));
          }
        }
      }
      case "map_average" -> {
        float[] t = ref.get(p.tensor()).toFloats();
        int cells = (int) (p.shape()[2] * p.shape()[3]);
        for (int i = 0; i < n; i++) {
          for (int c = 0; c < dim; c++) {
            double acc = 0;
            for (int k = 0; k < cells; k++) {
              acc += t[(i * dim + c) * cells + k];
            }
            out[i * dim + c] = (float) (acc / cells);
          }
        }
      }
      default -> throw new IllegalStateException(layout);
    }
    return out;
  }

  private static float[] expectedGrid(
      Map<String, Tensor> ref, Source p, int n, int gh, int gw, int d) {
    float[] t = ref.get(p.tensor()).toFloats();
    float[] out = new float[n * gh * gw * d];
    int cells = gh * gw;
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < cells; k++) {
        for (int c = 0; c < d; c++) {
          float v =
              p.kind() == Kind.MAP
                  ? t[(i * d + c) * cells + k]
                  : t[(int) ((i * p.shape()[1] + p.prefix() + k) * d + c)];
          out[(i * cells + k) * d + c] = v;
        }
      }
    }
    return out;
  }

  private void compare(Tensor got, float[] want, long[] shape, String what, double[] diff)
      throws EdgeSslException {
    if (!Arrays.equals(got.dims(), shape)) {
      throw invalid(
          "the imported graph's "
              + what
              + " has shape "
              + Arrays.toString(got.dims())
              + ", not "
              + Arrays.toString(shape)
              + ": the layout was misread (name the outputs with --embedding and --patch-tokens)");
    }
    requireFinite(got, "the imported graph's " + what);
    float[] g = got.toFloats();
    for (int i = 0; i < g.length; i++) {
      diff[0] = Math.max(diff[0], Math.abs(g[i] - want[i]));
      diff[1] = Math.max(diff[1], Math.abs(want[i]));
    }
  }

  private void requireFinite(Tensor t, String what) throws EdgeSslException {
    if (t.type() != ElementType.FLOAT) {
      return;
    }
    for (float v : t.toFloats()) {
      if (!Float.isFinite(v)) {
        throw invalid(what + " has non-finite values (NaN or infinity) on the probe images");
      }
    }
  }

  // ---- probes, names, manifest

  /** Smooth colour gradients with a little noise, normalized like ImageNet photos: N images. */
  private static Tensor probeImages(String name, int n, int c, int h, int w) {
    SplittableRandom r = new SplittableRandom(20261204);
    float[] x = new float[n * c * h * w];
    for (int i = 0; i < n; i++) {
      for (int ch = 0; ch < c; ch++) {
        double phase = r.nextDouble() * Math.PI * 2;
        for (int y = 0; y < h; y++) {
          for (int xx = 0; xx < w; xx++) {
            double v =
                0.5
                    + 0.35 * Math.sin(phase + (i + 1) * 3.0 * xx / w + (ch + 1) * 2.0 * y / h)
                    + 0.1 * (r.nextDouble() - 0.5);
            float mean = c == 3 ? ImportPreset.MEAN[ch] : 0.5f;
            float std = c == 3 ? ImportPreset.STD[ch] : 0.25f;
            x[((i * c + ch) * h + y) * w + xx] = (float) ((v - mean) / std);
          }
        }
      }
    }
    return Tensor.floats(name, x, n, c, h, w);
  }

  private static Tensor firstImage(Tensor batch) {
    long[] d = batch.dims().clone();
    int per = (int) (batch.count() / d[0]);
    d[0] = 1;
    return Tensor.floats(batch.name(), Arrays.copyOf(batch.toFloats(), per), d);
  }

  private Preprocessing preprocessing(ImportPreset preset, int h, int w, int channels) {
    Preprocessing.Builder b = preset.preprocessing(h, w);
    if (channels == 1) {
      b.color(ColorMode.GRAY);
      if (o.mean() == null) {
        throw new IllegalArgumentException(
            "the model takes 1 channel: give its normalization with --mean M --std S");
      }
    }
    if (o.color() != null) {
      if ((o.color() == ColorMode.GRAY) != (channels == 1)) {
        throw new IllegalArgumentException(
            "--color "
                + o.color().name().toLowerCase(Locale.ROOT)
                + " does not fit an input of "
                + channels
                + " channel(s)");
      }
      b.color(o.color());
    }
    if (o.mean() != null || o.std() != null) {
      if (o.mean() == null || o.std() == null) {
        throw new IllegalArgumentException("give --mean and --std together");
      }
      b.normalize(o.mean(), o.std());
    }
    var interp = o.interpolation() != null ? o.interpolation() : preset.interpolation();
    if (o.stretch()) {
      b.stretch(interp);
    } else if (o.shortSide() > 0 || o.interpolation() != null) {
      b.resizeShortSide(
          o.shortSide() > 0 ? o.shortSide() : Math.round(Math.min(h, w) * 256f / 224f), interp);
    }
    return b.build();
  }

  private static String architecture(Source p, int patch, int stride, int dim, String layout) {
    if (p.kind() == Kind.MAP) {
      return "cnn/" + stride + " (imported, " + dim + " channels)";
    }
    return "vit/"
        + patch
        + " (imported, width "
        + dim
        + (p.prefix() > 1 ? ", " + (p.prefix() - 1) + " registers" : "")
        + ")";
  }

  private static String producer(OnnxGraph g) {
    String p = (g.producerName() + " " + g.producerVersion()).trim();
    return p.isEmpty() ? "unknown" : p;
  }

  private static String bundleName(Path out) {
    String f = out.getFileName().toString();
    return f.endsWith(ModelBundle.EXTENSION)
        ? f.substring(0, f.length() - ModelBundle.EXTENSION.length())
        : f;
  }

  static Map<String, Integer> opCounts(OnnxGraph g) {
    Map<String, Integer> m = new TreeMap<>();
    for (Node n : g.nodes()) {
      String key =
          n.domain().isEmpty() || n.domain().equals("ai.onnx")
              ? n.opType()
              : n.domain() + "::" + n.opType();
      m.merge(key, 1, Integer::sum);
    }
    return m;
  }

  private EdgeSslException invalid(String what) {
    return new EdgeSslException(ErrorCode.INVALID_MODEL, model + ": " + what + "; nothing written");
  }
}
