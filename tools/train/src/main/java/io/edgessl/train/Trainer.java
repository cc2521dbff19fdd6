package io.edgessl.train;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.knn.Vote;
import io.edgessl.train.augment.ViewLoader;
import io.edgessl.train.augment.ViewSpec;
import io.edgessl.train.eval.KnnEval;
import io.edgessl.train.eval.ModelFeatures;
import io.edgessl.train.method.Method;
import io.edgessl.train.method.Methods;
import io.edgessl.train.method.StepContext;
import io.edgessl.train.model.EncoderSpec;
import io.edgessl.train.model.ResNet;
import io.edgessl.train.model.VisionTransformer;
import io.edgessl.train.nn.Torch;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.bytedeco.pytorch.Tensor;

/**
 * The training loop: views from the {@link ViewLoader}, the method's loss, backward, gradient
 * clipping, {@link AdamW} with the scheduled learning rate and weight decay, the method's updates
 * (teacher EMA, centre, queue), JSON-lines logging, the online k-NN monitor, the collapse guard,
 * atomic checkpoints, and charts.
 *
 * <p>Exact resume: everything a step depends on is either in the checkpoint (weights, buffers,
 * optimizer moments and step counts, DINO's centre, MoCo's queue) or a function of (seed, step)
 * (data order, views, masks, drop path, schedules). A run resumed from a checkpoint therefore
 * computes the same steps as one that never stopped; with the same libtorch thread count on the
 * same machine the weights agree bit for bit (libtorch's CPU kernels are deterministic for a fixed
 * thread count).
 */
public final class Trainer {
  /** File name of the latest checkpoint in the output directory. */
  public static final String CHECKPOINT = "checkpoint.pt";

  /** File name of the log. */
  public static final String LOG = "train.jsonl";

  private final TrainOptions o;
  private final Progress progress;
  private final TrainData data;
  private final Path outDir;
  private final int threads;
  private final int loaderThreads;
  private final Integer stopAtEpoch;
  private final PrintWriter out;
  private final Checkpoint.Reader resume;
  private final String commit;

  /** What a finished (or stopped) run reached. */
  public record Result(long steps, int epochs, Double lastKnnTop1, Path checkpoint) {}

  /**
   * @param o resolved options
   * @param stopAtEpoch stop after this many epochs (the schedules still span {@code o.epochs}), or
   *     null
   * @param resume the checkpoint to continue from, or null for a new run
   */
  public Trainer(
      TrainOptions o,
      TrainData data,
      Path outDir,
      int threads,
      int loaderThreads,
      Integer stopAtEpoch,
      Checkpoint.Reader resume,
      String commit,
      PrintWriter out,
      Progress progress) {
    this.o = o;
    this.data = data;
    this.outDir = outDir;
    this.threads = threads;
    this.loaderThreads = loaderThreads;
    this.stopAtEpoch = stopAtEpoch;
    this.resume = resume;
    this.commit = commit;
    this.out = out;
    this.progress = progress;
  }

  /** Runs the training; returns where it stopped. */
  public Result run() throws EdgeSslException, TrainingFailedException {
    Torch.threads(threads);
    EncoderSpec spec = Recipes.encoderSpec(o);
    Map<String, Object> options = o.toJson();
    Method method = buildMethod(o, spec);
    Map<String, Tensor> params = method.student().parameters();
    AdamW opt = new AdamW(params, o.betas.get(0), o.betas.get(1), 1e-8);
    Map<String, Tensor> state = new LinkedHashMap<>(method.state());
    opt.state().forEach((k, v) -> state.put("optim." + k, v));

    List<ViewSpec> views = Recipes.views(o);
    float[] mean = floats(o.mean);
    float[] std = floats(o.std);
    long startStep = 0;
    TrainLog log;
    if (resume != null) {
      resume.loadInto(state);
      Map<?, ?> steps = (Map<?, ?>) resume.meta().get("optimizer_steps");
      opt.setSteps(steps);
      startStep = ((Number) resume.meta().get("step")).longValue();
      log = TrainLog.resume(outDir.resolve(LOG), startStep);
    } else {
      log = TrainLog.create(outDir.resolve(LOG));
    }
    try (log;
        ViewLoader loader =
            new ViewLoader(data.train(), views, mean, std, o.batch, o.seed, loaderThreads)) {
      int spe = loader.stepsPerEpoch();
      int[] sizes = views.stream().mapToInt(ViewSpec::size).toArray();
      StepRunner runner = new StepRunner(method, opt, o.clipGrad, o.clipMode);
      long total = (long) o.epochs * spe;
      double peakLr = o.lr * o.batch / 256.0;
      Schedule lrs = new Schedule(peakLr, o.minLr, total, (long) o.warmupEpochs * spe, 0);
      Schedule wds = Schedule.cosine(o.weightDecay, o.weightDecayEnd, total);
      Schedule moms =
          o.method.equals("mocov2")
              ? Schedule.constant(o.momentumTeacher, total)
              : Schedule.cosine(o.momentumTeacher, 1, total);
      int lastEpoch = stopAtEpoch != null ? Math.min(stopAtEpoch, o.epochs) : o.epochs;
      long end = (long) lastEpoch * spe;

      Map<String, Object> start = new LinkedHashMap<>();
      start.put("event", resume != null ? "resume" : "start");
      start.put("step", startStep);
      start.put("time", Instant.now().toString());
      start.put("commit", commit);
      start.put("torch", Torch.version());
      start.put("threads", threads);
      start.put("loader_threads", loaderThreads);
      start.put("encoder", spec.toJson());
      start.put("parameters", method.encoder().parameterCount());
      start.put("steps_per_epoch", spe);
      start.put("data", data.train().name());
      start.put("options", options);
      log.write(start);
      out.printf(
          Locale.ROOT,
          "%s %s: %s, %,d parameters; %,d images, %d views each, %d steps/epoch, %d epochs%n",
          resume != null ? "resuming at step " + startStep + " of" : "training",
          o.method,
          spec.describe(),
          method.encoder().parameterCount(),
          data.train().count(),
          views.size(),
          spe,
          o.epochs);
      out.println("data: " + data.train().name());
      if (data.monitorNote() != null) {
        out.println("k-NN monitor " + data.monitorNote());
      }
      out.flush();

      double lossSum = 0;
      int lossCount = 0;
      long imagesSince = 0;
      long t0 = System.nanoTime();
      int lowStd = 0;
      Double lastKnn = null;
      Progress.Task epochTask = null;
      for (long step = startStep; step < end; step++) {
        int epoch = (int) (step / spe);
        int it = (int) (step % spe);
        if (epochTask == null) {
          epochTask = progress.start("epoch " + (epoch + 1) + "/" + o.epochs, spe);
          epochTask.step(it);
        }
        float[][] batch = loader.load(epoch, it);
        double lr = lrs.at(step);
        double wd = wds.at(step);
        StepContext ctx =
            new StepContext(
                epoch,
                step,
                moms.at(step),
                Schedule.teacherTemp(
                    o.warmupTeacherTemp, o.teacherTemp, o.warmupTeacherTempEpochs, epoch),
                new SplittableRandom(ViewLoader.mix(o.seed, step, 2)));
        method.encoder().setRandom(new SplittableRandom(ViewLoader.mix(o.seed, step, 1)));
        boolean logNow = (step + 1) % o.logEvery == 0 || it == spe - 1;
        double lossValue;
        try {
          lossValue = runner.run(batch, sizes, o.batch, o.channels, ctx, lr, wd, logNow);
        } catch (TrainingFailedException e) {
          throw new TrainingFailedException(
              e.reason(),
              e.getMessage()
                  + "; the last checkpoint is "
                  + outDir.resolve(CHECKPOINT)
                  + ". Try a lower --lr, or --clip-grad 3.",
              e);
        }
        double embedStd = runner.lastEmbeddingStd();
        lossSum += lossValue;
        lossCount++;
        imagesSince += o.batch;
        epochTask.step(1);
        if (logNow) {
          double secs = (System.nanoTime() - t0) / 1e9;
          Map<String, Object> r = new LinkedHashMap<>();
          r.put("event", "step");
          r.put("step", step + 1);
          r.put("epoch", epoch + 1);
          r.put("epoch_f", (step + 1) / (double) spe);
          r.put("loss", lossSum / lossCount);
          r.put("lr", lr);
          r.put("wd", wd);
          r.put("momentum", ctx.momentum());
          if (o.method.equals("dino")) {
            r.put("teacher_temp", ctx.teacherTemp());
          }
          r.put("embed_std", Double.isNaN(embedStd) ? null : embedStd);
          new java.util.TreeMap<>(runner.lastStats()).forEach(r::put);
          r.put("images_per_s", imagesSince / secs);
          log.write(r);
          lossSum = 0;
          lossCount = 0;
          imagesSince = 0;
          t0 = System.nanoTime();
          // The collapse guard watches after the first epoch: a fresh ViT's [CLS] varies little.
          if (epoch >= 1 && !Double.isNaN(embedStd) && embedStd < o.collapseStd) {
            if (++lowStd >= o.collapsePatience) {
              throw collapsed(epoch, step + 1, embedStd);
            }
          } else {
            lowStd = 0;
          }
        }
        boolean epochEnd = it == spe - 1;
        if (epochEnd) {
          epochTask.close();
          epochTask = null;
          int done = epoch + 1;
          if (data.bank() != null
              && o.knnEvery > 0
              && (done % o.knnEvery == 0 || done == lastEpoch)) {
            lastKnn = monitor(method, log, done, step + 1, mean[0], std[0]);
          }
          save(method, opt, spec, done, step + 1, options);
          if (o.keepEvery > 0 && done % o.keepEvery == 0) {
            keepCopy(done);
          }
          Charts.write(outDir, TrainLog.read(log.file()));
          out.printf(
              Locale.ROOT,
              "epoch %d/%d done, checkpoint %s%n",
              done,
              o.epochs,
              outDir.resolve(CHECKPOINT));
          out.flush();
        } else if (o.checkpointEvery > 0 && (step + 1) % o.checkpointEvery == 0) {
          save(method, opt, spec, epoch, step + 1, options);
        }
      }
      if (epochTask != null) {
        epochTask.close();
      }
      Map<String, Object> stop = new LinkedHashMap<>();
      stop.put("event", "stop");
      stop.put("step", end);
      stop.put("time", Instant.now().toString());
      stop.put("finished", lastEpoch == o.epochs);
      log.write(stop);
      return new Result(end, lastEpoch, lastKnn, outDir.resolve(CHECKPOINT));
    }
  }

  /**
   * The method the resolved options describe, its encoders set up for speed (fused attention,
   * channels-last) as asked.
   */
  public static Method buildMethod(TrainOptions o, EncoderSpec spec) {
    Method method = Methods.create(o.method, spec, o.seed, o.toJson());
    for (var e : List.of(method.encoder(), method.evalEncoder())) {
      if (e instanceof VisionTransformer v) {
        v.setFusedAttention(o.fusedAttention);
      } else if (e instanceof ResNet r) {
        r.setChannelsLast(o.channelsLast);
      }
    }
    return method;
  }

  private TrainingFailedException collapsed(int epoch, long step, double std) {
    return new TrainingFailedException(
        TrainingFailedException.Reason.COLLAPSED,
        String.format(
            Locale.ROOT,
            "training collapsed at epoch %d, step %d: the embeddings' standard deviation across the"
                + " batch (x sqrt(dim); about 1 for spread-out features) is %.4f, below"
                + " --collapse-std %s for %d logged steps. The last checkpoint is %s. DINO: try a"
                + " lower --teacher-temp or a warm-up of it; contrastive methods: a higher"
                + " --temperature or a lower --lr.",
            epoch + 1,
            step,
            std,
            o.collapseStd,
            o.collapsePatience,
            outDir.resolve(CHECKPOINT)));
  }

  private Double monitor(Method method, TrainLog log, int epoch, long step, float mean, float std)
      throws EdgeSslException {
    long t = System.nanoTime();
    ModelFeatures f = new ModelFeatures(o.method, method.evalEncoder(), mean, std);
    KnnEval.Run run =
        KnnEval.run(
            f,
            data.bank(),
            data.queries(),
            List.of(new KnnEval.Setting(o.knnK, o.knnT, Vote.DINO)),
            1,
            progress);
    double top1 = run.results().get(0).report().top1();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("event", "knn");
    r.put("step", step);
    r.put("epoch", epoch);
    r.put("top1", top1);
    r.put("top5", run.results().get(0).report().top5());
    r.put("k", o.knnK);
    r.put("t", o.knnT);
    r.put("bank", data.bank().count());
    r.put("queries", data.queries().count());
    r.put("seconds", (System.nanoTime() - t) / 1e9);
    log.write(r);
    out.printf(
        Locale.ROOT,
        "epoch %d: k-NN monitor top-1 %.2f%% (k %d, bank %,d, %,d held-out queries)%n",
        epoch,
        100 * top1,
        o.knnK,
        data.bank().count(),
        data.queries().count());
    return top1;
  }

  private void save(
      Method method,
      AdamW opt,
      EncoderSpec spec,
      int epochsDone,
      long step,
      Map<String, Object> options)
      throws EdgeSslException {
    Map<String, Tensor> tensors = new LinkedHashMap<>(method.state());
    opt.state().forEach((k, v) -> tensors.put("optim." + k, v));
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("method", o.method);
    meta.put("epoch", epochsDone);
    meta.put("step", step);
    meta.put("time", Instant.now().toString());
    meta.put("commit", commit);
    meta.put("torch", Torch.version());
    meta.put("encoder", spec.toJson());
    meta.put("eval_encoder", evalPrefix(o.method));
    meta.put("options", options);
    meta.put("optimizer_steps", opt.steps());
    Checkpoint.save(outDir.resolve(CHECKPOINT), meta, tensors);
  }

  /** Where a checkpoint keeps the backbone that evaluation uses. */
  public static String evalPrefix(String method) {
    return switch (method) {
      case "dino" -> "teacher.backbone.";
      case "mocov3" -> "momentum.backbone.";
      default -> "student.backbone.";
    };
  }

  private void keepCopy(int epoch) throws EdgeSslException {
    Path src = outDir.resolve(CHECKPOINT);
    Path dst = outDir.resolve(String.format(Locale.ROOT, "checkpoint-epoch%04d.pt", epoch));
    try {
      Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
    } catch (java.io.IOException e) {
      throw new EdgeSslException(ErrorCode.IO, "cannot copy " + src + " to " + dst + ": " + e, e);
    }
  }

  private static float[] floats(List<Double> l) {
    float[] f = new float[l.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = l.get(i).floatValue();
    }
    return f;
  }
}
