package io.edgessl.train;

import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.knn.Vote;
import io.edgessl.train.augment.ViewLoader;
import io.edgessl.train.augment.ViewSpec;
import io.edgessl.train.config.OptimConfig;
import io.edgessl.train.config.RunConfig;
import io.edgessl.train.eval.KnnEval;
import io.edgessl.train.eval.ModelFeatures;
import io.edgessl.train.method.Method;
import io.edgessl.train.method.StepContext;
import io.edgessl.train.model.EncoderSpec;
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

  private final TrainConfig c;
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
   * @param c the run's config
   * @param stopAtEpoch stop after this many epochs (the schedules still span {@code o.epochs}), or
   *     null
   * @param resume the checkpoint to continue from, or null for a new run
   */
  public Trainer(
      TrainConfig c,
      TrainData data,
      Path outDir,
      int threads,
      int loaderThreads,
      Integer stopAtEpoch,
      Checkpoint.Reader resume,
      String commit,
      PrintWriter out,
      Progress progress) {
    this.c = c;
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
    EncoderSpec spec = c.encoderSpec();
    Map<String, Object> options = c.toJson();
    OptimConfig o = c.optim();
    RunConfig run = c.run();
    Method method = c.createMethod();
    Map<String, Tensor> params = method.student().parameters();
    AdamW opt = new AdamW(params, o.betas().get(0), o.betas().get(1), 1e-8);
    Map<String, Tensor> state = new LinkedHashMap<>(method.state());
    opt.state().forEach((k, v) -> state.put("optim." + k, v));

    List<ViewSpec> views = c.views();
    float[] mean = c.data().meanFloats();
    float[] std = c.data().stdFloats();
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
            new ViewLoader(data.train(), views, mean, std, o.batch(), run.seed(), loaderThreads)) {
      int spe = loader.stepsPerEpoch();
      int[] sizes = views.stream().mapToInt(ViewSpec::size).toArray();
      StepRunner runner = new StepRunner(method, opt, o.clipGrad(), o.clipMode());
      long total = (long) o.epochs() * spe;
      Schedule lrs = new Schedule(o.peakLr(), o.minLr(), total, (long) o.warmupEpochs() * spe, 0);
      Schedule wds = Schedule.cosine(o.weightDecay(), o.weightDecayEnd(), total);
      Schedule moms = method.momentumSchedule(o.momentumTeacher(), total);
      int lastEpoch = stopAtEpoch != null ? Math.min(stopAtEpoch, o.epochs()) : o.epochs();
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
          c.method(),
          spec.describe(),
          method.encoder().parameterCount(),
          data.train().count(),
          views.size(),
          spe,
          o.epochs());
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
          epochTask = progress.start("epoch " + (epoch + 1) + "/" + o.epochs(), spe);
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
                new SplittableRandom(ViewLoader.mix(run.seed(), step, 2)));
        method.encoder().setRandom(new SplittableRandom(ViewLoader.mix(run.seed(), step, 1)));
        boolean logNow = (step + 1) % run.logEvery() == 0 || it == spe - 1;
        double lossValue;
        try {
          lossValue = runner.run(batch, sizes, o.batch(), c.data().channels(), ctx, lr, wd, logNow);
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
        imagesSince += o.batch();
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
          r.putAll(method.stepLog(ctx));
          r.put("embed_std", Double.isNaN(embedStd) ? null : embedStd);
          new java.util.TreeMap<>(runner.lastStats()).forEach(r::put);
          r.put("images_per_s", imagesSince / secs);
          log.write(r);
          lossSum = 0;
          lossCount = 0;
          imagesSince = 0;
          t0 = System.nanoTime();
          // The collapse guard watches after the first epoch: a fresh ViT's [CLS] varies little.
          if (epoch >= 1 && !Double.isNaN(embedStd) && embedStd < run.collapseStd()) {
            if (++lowStd >= run.collapsePatience()) {
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
              && run.knnEvery() > 0
              && (done % run.knnEvery() == 0 || done == lastEpoch)) {
            lastKnn = monitor(method, log, done, step + 1, mean[0], std[0]);
          }
          save(method, opt, spec, done, step + 1, options);
          if (run.keepEvery() > 0 && done % run.keepEvery() == 0) {
            keepCopy(done);
          }
          Charts.write(outDir, TrainLog.read(log.file()));
          out.printf(
              Locale.ROOT,
              "epoch %d/%d done, checkpoint %s%n",
              done,
              o.epochs(),
              outDir.resolve(CHECKPOINT));
          out.flush();
        } else if (run.checkpointEvery() > 0 && (step + 1) % run.checkpointEvery() == 0) {
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
      stop.put("finished", lastEpoch == o.epochs());
      log.write(stop);
      return new Result(end, lastEpoch, lastKnn, outDir.resolve(CHECKPOINT));
    }
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
            c.run().collapseStd(),
            c.run().collapsePatience(),
            outDir.resolve(CHECKPOINT)));
  }

  private Double monitor(Method method, TrainLog log, int epoch, long step, float mean, float std)
      throws EdgeSslException {
    long t = System.nanoTime();
    ModelFeatures f = new ModelFeatures(c.method(), method.evalEncoder(), mean, std);
    KnnEval.Run run =
        KnnEval.run(
            f,
            data.bank(),
            data.queries(),
            List.of(new KnnEval.Setting(c.run().knnK(), c.run().knnT(), Vote.DINO)),
            1,
            progress);
    double top1 = run.results().get(0).report().top1();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("event", "knn");
    r.put("step", step);
    r.put("epoch", epoch);
    r.put("top1", top1);
    r.put("top5", run.results().get(0).report().top5());
    r.put("k", c.run().knnK());
    r.put("t", c.run().knnT());
    r.put("bank", data.bank().count());
    r.put("queries", data.queries().count());
    r.put("seconds", (System.nanoTime() - t) / 1e9);
    log.write(r);
    out.printf(
        Locale.ROOT,
        "epoch %d: k-NN monitor top-1 %.2f%% (k %d, bank %,d, %,d held-out queries)%n",
        epoch,
        100 * top1,
        c.run().knnK(),
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
    meta.put("method", c.method());
    meta.put("epoch", epochsDone);
    meta.put("step", step);
    meta.put("time", Instant.now().toString());
    meta.put("commit", commit);
    meta.put("torch", Torch.version());
    meta.put("encoder", spec.toJson());
    meta.put("eval_encoder", c.type().evalPrefix());
    meta.put("options", options);
    meta.put("optimizer_steps", opt.steps());
    Checkpoint.save(outDir.resolve(CHECKPOINT), meta, tensors);
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
}
