package io.edgessl.tools.importer;

import io.edgessl.EdgeSslException;
import io.edgessl.bundle.Manifest;
import io.edgessl.image.ColorMode;
import io.edgessl.image.Interpolation;
import io.edgessl.tools.cli.JsonOutputOption;
import io.edgessl.tools.cli.ThreadsOption;
import io.edgessl.train.importer.ImportOptions;
import io.edgessl.train.importer.ImportPreset;
import io.edgessl.train.importer.ModelImporter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code edgessl import MODEL.onnx -o BUNDLE}: an ONNX export of a DINO, DINOv2, MAE or CNN encoder
 * as a bundle, checked against the original on probe images before anything is written.
 */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Import an ONNX export of a self-supervised encoder (DINO, DINOv2 with or without registers,"
          + " MAE, an ImageNet CNN; torch.onnx.export, timm, Hugging Face) as a bundle that the SDK"
          + " runs like its own: the image input and the outputs are found and their layouts"
          + " recognised (token sequence with [CLS] and registers, patch tokens, CNN feature map,"
          + " pooled vector), the graph gets outputs embedding [N, D] and patch_grid [N, h, w, D],"
          + " and is canonicalized (shape subgraphs folded, LayerNorm fused, residual sums"
          + " arranged for ONNX Runtime's fused kernels).",
      "Before writing, the bundle's model and the original run on probe images through ONNX"
          + " Runtime; they must agree within --tolerance of the output scale, at two batch sizes."
          + " On any failure nothing is written and the message names the option that helps."
    })
public final class ImportCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MODEL", description = "The .onnx file.")
  Path model;

  @Option(
      names = {"-o", "--out"},
      required = true,
      paramLabel = "BUNDLE",
      description = "Where to write: a .edgessl file (zip), else a new directory.")
  Path out;

  @Option(
      names = "--preset",
      paramLabel = "FAMILY",
      description =
          "dino, dinov2, mae or imagenet-cnn: normalization (ImageNet), resize (short side 256/224"
              + " of the crop, bicubic for ViTs, bilinear for CNNs), colour (RGB) and embedding"
              + " pooling (cls for ViTs, gap for CNNs). Default: from the layout.")
  String preset;

  @Option(
      names = "--size",
      paramLabel = "H[xW]",
      description =
          "Input size to import at; required when the graph's height and width are dynamic.")
  String size;

  @Option(
      names = "--embedding",
      paramLabel = "OUTPUT",
      description = "The output holding the global embedding [N, D] (when several could).")
  String embedding;

  @Option(
      names = {"--patch-tokens", "--patch-output"},
      paramLabel = "OUTPUT",
      description =
          "The output holding the patch features: tokens [N, T, D] or a map [N, C, h, w].")
  String patchTokens;

  @Option(
      names = "--embedding-pooling",
      paramLabel = "POOLING",
      description =
          "cls ([CLS] token) or gap (mean of the patch tokens or of the map). Default: the"
              + " preset's; a pooled [N, D] output is used as it is unless this is given.")
  String pooling;

  @Option(
      names = "--registers",
      defaultValue = "-1",
      paramLabel = "N",
      description = "Register tokens after [CLS] (checked; default: counted from the tokens).")
  int registers;

  @Option(
      names = "--patch-size",
      defaultValue = "0",
      paramLabel = "P",
      description = "Patch size (checked; default: the patch-embedding Conv's kernel).")
  int patchSize;

  @Option(names = "--name", paramLabel = "NAME", description = "The bundle's name.")
  String name;

  @Option(
      names = "--mean",
      split = ",",
      paramLabel = "M",
      description = "Normalization means of pixel / 255, per channel (with --std).")
  float[] mean;

  @Option(
      names = "--std",
      split = ",",
      paramLabel = "S",
      description = "Normalization standard deviations, per channel (with --mean).")
  float[] std;

  @Option(names = "--color", paramLabel = "MODE", description = "rgb, bgr or gray.")
  String color;

  @Option(
      names = "--resize-short-side",
      defaultValue = "0",
      paramLabel = "PIXELS",
      description = "Resize the short side to this before the centre crop.")
  int shortSide;

  @Option(names = "--stretch", description = "Stretch frames to the input size (no crop).")
  boolean stretch;

  @Option(names = "--interpolation", paramLabel = "FILTER", description = "bilinear or bicubic.")
  String interpolation;

  @Option(
      names = "--no-canonicalize",
      description = "Keep the exporter's graph (only the outputs are adapted).")
  boolean noCanonicalize;

  @Option(
      names = "--tolerance",
      defaultValue = "1e-4",
      description =
          "Largest max |bundle - original| on the probe images, relative to the largest |output|."
              + " Default: ${DEFAULT-VALUE}.")
  double tolerance;

  @Mixin ThreadsOption threads;

  @Mixin JsonOutputOption json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws EdgeSslException {
    json.check();
    ImportOptions o =
        new ImportOptions(model, out)
            .embeddingOutput(embedding)
            .patchOutput(patchTokens)
            .pooling(pooling == null ? null : pooling.toLowerCase(Locale.ROOT))
            .registers(registers)
            .patchSize(patchSize)
            .name(name)
            .normalize(mean, std)
            .resize(shortSide, stretch)
            .canonicalize(!noCanonicalize)
            .threads(threads.or(1))
            .tolerance(tolerance);
    if (preset != null) {
      o.preset(ImportPreset.parse(preset));
    }
    if (size != null) {
      int[] hw = parseSize(size);
      o.size(hw[0], hw[1]);
    }
    if (color != null) {
      o.color(choice(ColorMode.class, color, "--color"));
    }
    if (interpolation != null) {
      o.interpolation(choice(Interpolation.class, interpolation, "--interpolation"));
    }
    ModelImporter.Result r = ModelImporter.importModel(o);
    Manifest m = r.manifest();
    PrintWriter w = spec.commandLine().getOut();
    w.printf(Locale.ROOT, "embedding: %s; patch grid: %s%n", r.embeddingSource(), r.patchSource());
    for (String note : r.notes()) {
      w.println("note: " + note);
    }
    w.printf(
        Locale.ROOT,
        "canonicalized: %s; nodes %d -> %d%n",
        r.rewrites(),
        r.opsBefore().values().stream().mapToInt(Integer::intValue).sum(),
        r.opsAfter().values().stream().mapToInt(Integer::intValue).sum());
    w.printf(
        Locale.ROOT,
        "probe check: max |bundle - original| %.3g of the output scale %.4g (bound %.1e)%n",
        r.maxAbsDiff(),
        r.scale(),
        tolerance);
    w.printf(
        Locale.ROOT,
        "wrote %s: %s, %s, %dx%d %s, embedding %d, patch grid %dx%dx%d%n",
        out,
        m.name(),
        m.architecture(),
        m.preprocessing().width(),
        m.preprocessing().height(),
        m.preprocessing().color().name().toLowerCase(Locale.ROOT),
        m.embeddingSize(),
        m.gridHeight(),
        m.gridWidth(),
        m.patchFeatureSize());
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("bundle", out.toString());
    j.put("embedding", r.embeddingSource());
    j.put("patch_grid", r.patchSource());
    j.put("rewrites", r.rewrites());
    j.put("ops_before", r.opsBefore());
    j.put("ops_after", r.opsAfter());
    j.put("max_abs_diff", r.maxAbsDiff());
    j.put("scale", r.scale());
    j.put("notes", r.notes());
    json.write(j, w);
    w.flush();
    return 0;
  }

  static int[] parseSize(String s) {
    String[] p = s.toLowerCase(Locale.ROOT).split("x", -1);
    try {
      if (p.length == 1) {
        int v = Integer.parseInt(p[0].trim());
        return new int[] {v, v};
      }
      if (p.length == 2) {
        return new int[] {Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim())};
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new IllegalArgumentException("--size '" + s + "' is not H or HxW, e.g. 224 or 224x320");
  }

  private static <E extends Enum<E>> E choice(Class<E> type, String value, String flag) {
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(value)) {
        return e;
      }
    }
    throw new IllegalArgumentException(
        flag
            + " '"
            + value
            + "' is not one of "
            + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
  }
}
