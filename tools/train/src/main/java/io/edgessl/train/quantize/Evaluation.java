package io.edgessl.train.quantize;

import io.edgessl.EdgeSslException;
import io.edgessl.bundle.Manifest;
import io.edgessl.knn.KnnClassifier;
import io.edgessl.knn.KnnIndex;
import io.edgessl.knn.Prediction;
import io.edgessl.spi.Backend;
import io.edgessl.train.Progress;
import io.edgessl.train.data.LabelledImages;
import io.edgessl.train.eval.KnnEval;
import io.edgessl.train.eval.Samples;
import io.edgessl.train.eval.Similarity;
import io.edgessl.train.quantize.QuantizeResult.Metrics;

/**
 * The yardstick candidate models are measured with: the cosine similarity of their embeddings to
 * the float model's on a fixed set of images and, when a labelled set is given, their k-NN top-1 by
 * DINO's protocol (k 20, T 0.07) with a bank embedded by the same candidate.
 */
final class Evaluation {
  private final Backend backend;
  private final Manifest manifest;
  private final int threads;
  private final Samples queries;
  private final LabelledImages bank;
  private final LabelledImages test;
  private final float[][] reference;
  private final Metrics fp32;

  private Evaluation(
      Backend backend,
      Manifest manifest,
      int threads,
      Samples queries,
      LabelledImages bank,
      LabelledImages test,
      byte[] fp32Model)
      throws EdgeSslException {
    this.backend = backend;
    this.manifest = manifest;
    this.threads = threads;
    this.queries = queries;
    this.bank = bank;
    this.test = test;
    try (GraphRunner r = runner(fp32Model, "fp32")) {
      this.reference = r.embed(queries);
      this.fp32 = new Metrics(1, 1, top1(r, reference));
    }
  }

  /** Cosine on {@code images}, no k-NN. */
  static Evaluation unlabelled(Backend b, Manifest m, int threads, Samples images, byte[] fp32Model)
      throws EdgeSslException {
    return new Evaluation(b, m, threads, images, null, null, fp32Model);
  }

  /** Cosine on the test images, k-NN top-1 of the test images against the bank images. */
  static Evaluation labelled(
      Backend b, Manifest m, int threads, LabelledImages bank, LabelledImages test, byte[] fp32)
      throws EdgeSslException {
    return new Evaluation(b, m, threads, Samples.of(test), bank, test, fp32);
  }

  /** The float model's scores (cosine 1 by definition). */
  Metrics fp32() {
    return fp32;
  }

  /** What the scores are computed on, for reports. */
  String describe() {
    return bank == null
        ? "cosine on " + queries.name()
        : "k-NN top-1 (k 20, T 0.07) of "
            + test.count()
            + " "
            + test.name()
            + " images against a bank of "
            + bank.count()
            + " "
            + bank.name()
            + " images; cosine on the former";
  }

  /**
   * Scores a candidate model.
   *
   * @throws EdgeSslException when the backend rejects or fails to run it
   */
  Metrics measure(byte[] model, String name) throws EdgeSslException {
    try (GraphRunner r = runner(model, name)) {
      float[][] e = r.embed(queries);
      double sum = 0;
      double min = Double.POSITIVE_INFINITY;
      for (int i = 0; i < e.length; i++) {
        double c = Similarity.cosine(e[i], reference[i]);
        sum += c;
        min = Math.min(min, c);
      }
      return new Metrics(sum / e.length, min, top1(r, e));
    }
  }

  private GraphRunner runner(byte[] model, String name) throws EdgeSslException {
    return new GraphRunner(backend, manifest, model, manifest.name() + " " + name, threads, 32);
  }

  private double top1(GraphRunner r, float[][] queryEmbeddings) throws EdgeSslException {
    if (bank == null) {
      return Double.NaN;
    }
    KnnIndex index = KnnEval.buildIndex(r, bank, 1, Progress.NONE);
    KnnClassifier c = KnnClassifier.builder(index).k(20).temperature(0.07).build();
    int right = 0;
    for (int i = 0; i < queryEmbeddings.length; i++) {
      Prediction p = c.classify(queryEmbeddings[i]);
      if (p.label().equals(test.classes().get(test.labels()[i]))) {
        right++;
      }
    }
    return right / (double) queryEmbeddings.length;
  }
}
