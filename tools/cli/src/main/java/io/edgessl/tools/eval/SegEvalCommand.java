package io.edgessl.tools.eval;

import io.edgessl.EdgeSslException;
import io.edgessl.bundle.ModelBundle;
import io.edgessl.encoder.Encoder;
import io.edgessl.tools.cli.JsonOutputOption;
import io.edgessl.tools.cli.SeedOption;
import io.edgessl.tools.cli.TerminalProgress;
import io.edgessl.train.eval.SegEval;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code edgessl eval seg}: segmentation of a DAVIS-layout scene set, every segmenter. */
@Command(
    name = "seg",
    mixinStandardHelpOptions = true,
    description = {
      "Semantic segmentation of a scene set in the DAVIS layout (edgessl data scenes) from an"
          + " encoder's patch features: label transfer from reference frames (transfer), a linear"
          + " head (linear), spherical k-means matched to classes by the Hungarian algorithm"
          + " (cluster), each with and without edge-aware refinement; and the baselines"
          + " background, color and pixels-transfer (label transfer on raw-pixel patches).",
      "Prints mIoU (over the classes in the split's truth), pixel accuracy and each method's"
          + " time per frame; --overlays writes image | prediction | truth PNGs."
    })
public final class SegEvalCommand implements Callable<Integer> {
  @Option(names = "--data", required = true, paramLabel = "DIR", description = "The scene set.")
  Path data;

  @Option(
      names = "--model",
      paramLabel = "BUNDLE",
      description = "The encoder (else baselines only).")
  Path model;

  @Option(names = "--precision", paramLabel = "P", description = "The encoder's precision.")
  String precision;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description = "Inference threads; 0: the backend's default.")
  int threads;

  @Option(
      names = "--split",
      defaultValue = "test",
      description = "Split to score. Default: ${DEFAULT-VALUE}.")
  String split;

  @Option(
      names = "--references",
      defaultValue = "8",
      description = "Annotated train frames the segmenters learn from. Default: ${DEFAULT-VALUE}.")
  int references;

  @Option(names = "--limit", defaultValue = "0", description = "At most this many frames; 0: all.")
  int limit;

  @Option(
      names = "--methods",
      split = ",",
      paramLabel = "M",
      description =
          "background, color, pixels-transfer, transfer, linear, cluster. Default: all (the"
              + " baselines only without --model).")
  List<String> methods;

  @Option(names = "--no-refine", description = "Skip the refined rows.")
  boolean noRefine;

  @Option(
      names = {"-k", "--k"},
      defaultValue = "5",
      description = "Label transfer's neighbours.")
  int k;

  @Option(
      names = {"-T", "--temperature"},
      defaultValue = "0.07",
      description = "Label transfer's vote temperature.")
  float temperature;

  @Option(names = "--clusters", defaultValue = "0", description = "k-means clusters; 0: classes.")
  int clusters;

  @Option(
      names = "--pixel-patch",
      defaultValue = "16",
      description = "Patch size of the raw-pixel baseline.")
  int pixelPatch;

  @Option(names = "--overlays", paramLabel = "DIR", description = "Write overlay PNGs here.")
  Path overlays;

  @Option(names = "--overlay-count", defaultValue = "4", description = "Frames with overlays.")
  int overlayCount;

  @Mixin SeedOption seed;

  @Mixin JsonOutputOption json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws EdgeSslException {
    json.check();
    List<SegEval.Method> ms = new ArrayList<>();
    if (methods == null) {
      for (SegEval.Method m : SegEval.Method.values()) {
        if (model != null || !m.needsEncoder()) {
          ms.add(m);
        }
      }
    } else {
      for (String m : methods) {
        ms.add(SegEval.Method.parse(m.trim()));
      }
    }
    SegEval.Config c =
        new SegEval.Config(
            data,
            split,
            references,
            limit,
            ms,
            !noRefine,
            k,
            temperature,
            clusters,
            pixelPatch,
            seed.or(0),
            overlays,
            overlayCount);
    SegEval.Result r;
    if (model != null) {
      Encoder.Builder b = Encoder.builder(ModelBundle.open(model)).threads(threads);
      if (precision != null) {
        b.precision(precision);
      }
      try (Encoder enc = b.build()) {
        r = SegEval.run(c, enc, TerminalProgress.SINK);
      }
    } else {
      r = SegEval.run(c, null, TerminalProgress.SINK);
    }
    PrintWriter w = spec.commandLine().getOut();
    w.printf(
        Locale.ROOT,
        "segmentation of %s, split %s: %d frames, %d reference frames from train, %d classes%s%n",
        r.data(),
        r.split(),
        r.frames(),
        r.references(),
        r.classes(),
        r.encoderMsPerFrame() > 0
            ? String.format(Locale.ROOT, "; encoder %.1f ms/frame", r.encoderMsPerFrame())
            : "");
    w.println("| method | refinement | mIoU | pixel accuracy | ms/frame (segmenter) |");
    w.println("|---|---|---|---|---|");
    List<Object> rows = new ArrayList<>();
    for (SegEval.Row row : r.rows()) {
      w.printf(
          Locale.ROOT,
          "| %s | %s | %.2f %% | %.2f %% | %.2f |%n",
          row.method(),
          row.refined() ? "yes" : "no",
          100 * row.meanIou(),
          100 * row.pixelAccuracy(),
          row.msPerFrame());
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("method", row.method());
      j.put("refined", row.refined());
      j.put("miou", row.meanIou());
      j.put("pixel_accuracy", row.pixelAccuracy());
      List<Object> ious = new ArrayList<>();
      for (double v : row.ious()) {
        ious.add(Double.isNaN(v) ? null : v);
      }
      j.put("iou", ious);
      j.put("ms_per_frame", row.msPerFrame());
      rows.add(j);
    }
    if (overlays != null) {
      w.println("overlays (image | prediction | truth) in " + overlays);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("data", r.data());
    out.put("split", r.split());
    out.put("frames", r.frames());
    out.put("references", r.references());
    out.put("classes", r.classes());
    out.put("encoder_ms_per_frame", r.encoderMsPerFrame());
    out.put("model", model == null ? null : model.toString());
    out.put("rows", rows);
    json.write(out, w);
    w.flush();
    return 0;
  }
}
