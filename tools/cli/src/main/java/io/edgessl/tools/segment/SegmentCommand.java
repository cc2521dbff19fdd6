package io.edgessl.tools.segment;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.bundle.ModelBundle;
import io.edgessl.encoder.Encoder;
import io.edgessl.image.Frame;
import io.edgessl.image.PixelFormat;
import io.edgessl.internal.io.AtomicFiles;
import io.edgessl.segment.LabelTransferSegmenter;
import io.edgessl.segment.Mask;
import io.edgessl.segment.Refinement;
import io.edgessl.train.scenes.Images;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code edgessl segment IMAGE --reference IMG --mask PNG --model BUNDLE -o OUT.png}: label
 * transfer from one or a few annotated reference images to an image, the mask written as an indexed
 * PNG (the reference masks' own format).
 */
@Command(
    name = "segment",
    mixinStandardHelpOptions = true,
    description = {
      "Segment an image by label transfer from annotated reference images (DINO-style k-NN"
          + " correspondence of patch features), with edge-aware refinement: writes the mask as"
          + " an indexed PNG with the references' labels.",
      "References and their masks pair up in order; a mask is an indexed (palette) or 8-bit grey"
          + " PNG of its image's size, 0 background. The image must have the references' size."
    })
public final class SegmentCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "IMAGE", description = "The image to segment.")
  Path image;

  @Option(names = "--model", required = true, paramLabel = "BUNDLE", description = "The encoder.")
  Path model;

  @Option(
      names = "--reference",
      required = true,
      paramLabel = "IMG",
      description = "An annotated reference image (repeat for several).")
  List<Path> references;

  @Option(
      names = "--mask",
      required = true,
      paramLabel = "PNG",
      description = "The reference's mask (repeat, in the order of --reference).")
  List<Path> masks;

  @Option(
      names = {"-o", "--out"},
      required = true,
      paramLabel = "PNG",
      description = "Where to write the mask.")
  Path out;

  @Option(
      names = {"-k", "--k"},
      defaultValue = "5",
      description = "Neighbours. Default: ${DEFAULT-VALUE}.")
  int k;

  @Option(
      names = {"-T", "--temperature"},
      defaultValue = "0.07",
      description = "Vote temperature. Default: ${DEFAULT-VALUE}.")
  float temperature;

  @Option(names = "--no-refine", description = "Plain bilinear upsampling of the patch labels.")
  boolean noRefine;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws EdgeSslException {
    if (references.size() != masks.size()) {
      throw new IllegalArgumentException(
          references.size() + " --reference but " + masks.size() + " --mask: give one mask each");
    }
    BufferedImage target = Images.read(image);
    List<Frame> frames = new ArrayList<>();
    List<Mask> refMasks = new ArrayList<>();
    for (int i = 0; i < references.size(); i++) {
      BufferedImage ref = Images.read(references.get(i));
      BufferedImage m = Images.read(masks.get(i));
      if (m.getWidth() != ref.getWidth() || m.getHeight() != ref.getHeight()) {
        throw new EdgeSslException(
            ErrorCode.SHAPE_MISMATCH,
            masks.get(i)
                + " is "
                + size(m)
                + " but its reference "
                + references.get(i)
                + " is "
                + size(ref));
      }
      if (ref.getWidth() != target.getWidth() || ref.getHeight() != target.getHeight()) {
        throw new EdgeSslException(
            ErrorCode.SHAPE_MISMATCH,
            image
                + " is "
                + size(target)
                + " but reference "
                + references.get(i)
                + " is "
                + size(ref)
                + ": give references of the image's size");
      }
      frames.add(frame(ref));
      refMasks.add(Mask.ofBytes(m.getHeight(), m.getWidth(), Images.indices(m, masks.get(i))));
    }
    try (Encoder enc = Encoder.open(ModelBundle.open(model))) {
      LabelTransferSegmenter seg;
      try {
        seg =
            LabelTransferSegmenter.create(
                enc, frames, refMasks, new LabelTransferSegmenter.Options(k, temperature, -1));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("references: " + e.getMessage(), e);
      }
      Frame f = frame(target);
      long t0 = System.nanoTime();
      Mask mask = noRefine ? seg.segment(f) : seg.segment(f, Refinement.defaults());
      double ms = (System.nanoTime() - t0) / 1e6;
      int[] l = mask.toArray();
      byte[] idx = new byte[l.length];
      for (int i = 0; i < l.length; i++) {
        if (l[i] > 255) {
          throw new IllegalArgumentException("label " + l[i] + " does not fit an indexed PNG");
        }
        idx[i] = (byte) l[i];
      }
      try {
        AtomicFiles.write(out, Images.indexedPng(idx, mask.width(), mask.height()));
      } catch (java.io.IOException e) {
        throw new EdgeSslException(ErrorCode.IO, "cannot write " + out + ": " + e.getMessage(), e);
      }
      PrintWriter w = spec.commandLine().getOut();
      w.printf(
          Locale.ROOT,
          "wrote %s: %dx%d mask, labels %s (%.1f ms with the encoder, %s)%n",
          out,
          mask.width(),
          mask.height(),
          mask.labels(),
          ms,
          noRefine ? "bilinear" : "refined");
      w.flush();
    }
    return 0;
  }

  private static Frame frame(BufferedImage img) {
    return Frame.of(Images.rgb(img), PixelFormat.RGB, img.getWidth(), img.getHeight());
  }

  private static String size(BufferedImage img) {
    return img.getWidth() + "x" + img.getHeight();
  }
}
