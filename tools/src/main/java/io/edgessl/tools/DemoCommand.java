package io.edgessl.tools;

import io.edgessl.EdgeSslException;
import io.edgessl.knn.Vote;
import io.edgessl.tools.cli.DatasetOptions;
import io.edgessl.tools.data.LabelledImages;
import io.edgessl.tools.encode.ImageFeatures;
import io.edgessl.tools.encode.PixelsFeatures;
import io.edgessl.tools.eval.KnnEval;
import io.edgessl.tools.eval.KnnEvalCommand;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code edgessl demo}: the main job. Runs the k-NN evaluation on Fashion-MNIST with the DINO
 * protocol (k 20, T 0.07) and the lightly/InstDisc variant (k 200, T 0.1), for every encoder
 * available.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "The main job: k-NN classification of Fashion-MNIST with the available encoders.")
public final class DemoCommand implements Callable<Integer> {
  @Mixin DatasetOptions dataset;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws EdgeSslException {
    PrintWriter out = spec.commandLine().getOut();
    LabelledImages train = dataset.train();
    LabelledImages test = dataset.test();
    List<KnnEval.Setting> settings =
        List.of(new KnnEval.Setting(20, 0.07, Vote.DINO), new KnnEval.Setting(200, 0.1, Vote.DINO));
    int threads = Runtime.getRuntime().availableProcessors();
    out.println("== Encoder: raw pixels (the baseline every learned encoder must beat)");
    out.flush();
    try (ImageFeatures pixels = new PixelsFeatures(train.height(), train.width())) {
      KnnEval.Run run = KnnEval.run(pixels, train, test, settings, threads);
      KnnEvalCommand.print(out, run, dataset.directory().toString(), true);
    }
    out.flush();
    return 0;
  }
}
