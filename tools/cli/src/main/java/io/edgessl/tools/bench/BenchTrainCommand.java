package io.edgessl.tools.bench;

import io.edgessl.EdgeSslException;
import io.edgessl.tools.cli.TerminalProgress;
import io.edgessl.tools.train.TrainFlags;
import io.edgessl.train.AdamW;
import io.edgessl.train.StepRunner;
import io.edgessl.train.TrainConfig;
import io.edgessl.train.TrainData;
import io.edgessl.train.TrainingFailedException;
import io.edgessl.train.augment.ViewLoader;
import io.edgessl.train.augment.ViewSpec;
import io.edgessl.train.bench.Timing;
import io.edgessl.train.config.OptimConfig;
import io.edgessl.train.config.RunConfig;
import io.edgessl.train.method.Method;
import io.edgessl.train.method.StepContext;
import io.edgessl.train.model.EncoderSpec;
import io.edgessl.train.nn.Torch;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code edgessl bench train}: training throughput of the Java loop (images per second through one
 * full step: forward, backward, clipping, AdamW, the method's EMA and centre updates), on one fixed
 * batch of augmented views so the number measures the model step; and, beside it, the Java
 * augmentation pipeline alone. {@code scripts/bench_train.py} times the same model, method and
 * batch in PyTorch's Python API.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Training throughput of one step (forward, backward, clip, AdamW, EMA) on a fixed batch, and of"
          + " the augmentation pipeline; compare with scripts/bench_train.py (PyTorch, same model).",
    })
public final class BenchTrainCommand implements Callable<Integer> {
  @Option(names = "--threads", required = true, description = "libtorch threads.")
  int threads;

  @Option(
      names = "--steps",
      defaultValue = "20",
      description = "Timed steps per run. Default: ${DEFAULT-VALUE}.")
  int steps;

  @Option(
      names = "--runs",
      defaultValue = "3",
      description = "Timed runs (median). Default: ${DEFAULT-VALUE}.")
  int runs;

  @Option(
      names = "--warmup",
      defaultValue = "3",
      description = "Untimed steps first. Default: ${DEFAULT-VALUE}.")
  int warmup;

  @Mixin TrainFlags flags;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws EdgeSslException {
    if (threads <= 0 || steps <= 0 || runs <= 0 || warmup < 0) {
      throw new IllegalArgumentException(
          "--threads, --steps, --runs must be positive and --warmup not negative");
    }
    PrintWriter out = spec.commandLine().getOut();
    TrainConfig c = TrainConfig.resolve(flags.overrides().setIfAbsent(RunConfig.KNN_EVERY, 0));
    OptimConfig o = c.optim();
    int channels = c.data().channels();
    Torch.threads(threads);
    TrainData data = TrainData.load(c, 1);
    EncoderSpec es = c.encoderSpec();
    Method method = c.createMethod();
    AdamW opt = new AdamW(method.student().parameters(), o.betas().get(0), o.betas().get(1), 1e-8);
    StepRunner runner = new StepRunner(method, opt, o.clipGrad(), o.clipMode());
    List<ViewSpec> views = c.views();
    int[] sizes = views.stream().mapToInt(ViewSpec::size).toArray();
    float[] mean = c.data().meanFloats();
    float[] std = c.data().stdFloats();
    float[][] batch;
    double[] loaderSecs;
    try (ViewLoader loader =
        new ViewLoader(data.train(), views, mean, std, o.batch(), c.run().seed(), 1)) {
      batch = loader.load(0, 0);
      // The augmentation pipeline alone, one thread: batches per second.
      int n = Math.max(1, Math.min(10, loader.stepsPerEpoch()));
      loaderSecs =
          Timing.measure(
              "augmentation",
              1,
              runs,
              () -> {
                for (int i = 0; i < n; i++) {
                  loader.load(0, i);
                }
              },
              TerminalProgress.SINK);
      for (int i = 0; i < loaderSecs.length; i++) {
        loaderSecs[i] /= n;
      }
    }
    final float[][] b = batch;
    long[] step = {0};
    Runnable one =
        () -> {
          StepContext ctx =
              new StepContext(0, step[0], o.momentumTeacher(), new SplittableRandom(step[0]));
          method.encoder().setRandom(new SplittableRandom(~step[0]));
          try {
            runner.run(b, sizes, o.batch(), channels, ctx, 1e-4, o.weightDecay(), false);
          } catch (TrainingFailedException e) {
            throw new IllegalStateException(e.getMessage(), e);
          }
          step[0]++;
        };
    for (int i = 0; i < warmup; i++) {
      one.run();
    }
    double[] secs =
        Timing.measure(
            "training step",
            0,
            runs,
            () -> {
              for (int i = 0; i < steps; i++) {
                one.run();
              }
            },
            TerminalProgress.SINK);
    double perStep = Timing.median(secs) / steps;
    out.printf(
        Locale.ROOT, "EdgeSSL training throughput (Java loop on libtorch %s)%n", Torch.version());
    out.printf(
        Locale.ROOT,
        "  method    %s, batch %d, %d views per image (sizes %s)%n",
        c.method(),
        o.batch(),
        views.size(),
        java.util.Arrays.toString(sizes));
    out.printf(
        Locale.ROOT,
        "  encoder   %s, %,d parameters (student and heads: %,d)%n",
        es.describe(),
        method.encoder().parameterCount(),
        method.student().parameterCount());
    out.printf(Locale.ROOT, "  threads   %d libtorch%n", threads);
    out.printf(
        Locale.ROOT,
        "  step      %.1f ms median of %d runs x %d steps (min %.1f, max %.1f)%n",
        1e3 * perStep,
        runs,
        steps,
        1e3 * Timing.min(secs) / steps,
        1e3 * Timing.max(secs) / steps);
    out.printf(Locale.ROOT, "  training  %.1f images/s%n", o.batch() / perStep);
    out.printf(
        Locale.ROOT,
        "  augment   %.0f images/s on one Java thread (%.1f%% of a step's time)%n",
        o.batch() / Timing.median(loaderSecs),
        100 * Timing.median(loaderSecs) / perStep);
    out.flush();
    return 0;
  }
}
