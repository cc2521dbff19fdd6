package io.edgessl.knn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgessl.encoder.Embedding;
import java.util.List;
import org.junit.jupiter.api.Test;

class KnnClassifierTest {
  /** Unit vectors at the given angles (degrees) in the plane. */
  private static float[] at(double degrees) {
    double r = Math.toRadians(degrees);
    return new float[] {(float) Math.cos(r), (float) Math.sin(r)};
  }

  /**
   * Three "cat" examples at 10, 20, 30 degrees and two "dog" at 0 and 5 degrees; query at 12
   * degrees, k = 4: neighbours 10 (cat), 5 (dog), 20 (cat), 0 (dog). DINO's scores by hand: cat =
   * e^(cos2°/T) + e^(cos8°/T), dog = e^(cos7°/T) + e^(cos12°/T).
   */
  @Test
  void dinoVoteMatchesTheFormula() {
    KnnClassifier c = KnnClassifier.builder(2).k(4).temperature(0.07).build();
    c.enroll("cat", at(10));
    c.enroll("cat", at(20));
    c.enroll("cat", at(30));
    c.enroll("dog", at(0));
    c.enroll("dog", at(5));
    Prediction p = c.classify(at(12));
    double t = 0.07;
    double cat = Math.exp(cos(2) / t) + Math.exp(cos(8) / t);
    double dog = Math.exp(cos(7) / t) + Math.exp(cos(12) / t);
    assertEquals(cat > dog ? "cat" : "dog", p.label());
    assertEquals(cat / (cat + dog), p.score(0), 1e-5);
    assertEquals(dog / (cat + dog), p.score(1), 1e-5);
    assertEquals(4, p.neighbors().size());
    assertEquals((float) cos(2), p.nearestSimilarity(), 1e-6f);
  }

  @Test
  void temperatureChangesTheWinner() {
    // One very close dog against three moderately close cats.
    float[][] ex = {at(1), at(25), at(26), at(27)};
    String[] lab = {"dog", "cat", "cat", "cat"};
    KnnClassifier sharp = KnnClassifier.builder(2).k(4).temperature(0.01).build();
    KnnClassifier flat = KnnClassifier.builder(2).k(4).temperature(10).build();
    for (int i = 0; i < ex.length; i++) {
      sharp.enroll(lab[i], ex[i]);
      flat.enroll(lab[i], ex[i]);
    }
    assertEquals("dog", sharp.classify(at(0)).label());
    assertEquals("cat", flat.classify(at(0)).label());
  }

  @Test
  void tinyTemperatureDoesNotOverflow() {
    KnnClassifier c = KnnClassifier.builder(2).k(3).temperature(1e-4).build();
    c.enroll("a", at(0));
    c.enroll("b", at(10));
    c.enroll("b", at(20));
    Prediction p = c.classify(at(0));
    assertEquals("a", p.label());
    // exp(1 / 1e-4) overflows; the shares do not: b's weights are exp(-(1 - cos 10°) / 1e-4) ~
    // 1e-66
    assertEquals(1.0, p.score(0), 1e-12, p.toString());
    assertTrue(p.score(1) > 0 && p.score(1) < 1e-60, p.toString());
  }

  @Test
  void dinov2SoftmaxRanksLikeDino() {
    KnnClassifier dino = KnnClassifier.builder(2).k(5).build();
    KnnClassifier v2 = KnnClassifier.builder(dino.index()).k(5).vote(Vote.DINOV2_SOFTMAX).build();
    for (int i = 0; i < 12; i++) {
      dino.enroll(i % 3 == 0 ? "a" : i % 3 == 1 ? "b" : "c", at(i * 7.0));
    }
    for (double q = 0; q < 90; q += 3.5) {
      Prediction a = dino.classify(at(q));
      Prediction b = v2.classify(at(q));
      for (int r = 0; r < a.size(); r++) {
        assertEquals(a.label(r), b.label(r));
        assertEquals(a.score(r), b.score(r), 1e-12);
      }
    }
  }

  @Test
  void majorityCountsVotesAndBreaksTiesByLabelOrder() {
    KnnClassifier c =
        KnnClassifier.builder(2).k(4).vote(Vote.MAJORITY).labels(List.of("b", "a")).build();
    c.enroll("a", at(0));
    c.enroll("a", at(1));
    c.enroll("b", at(2));
    c.enroll("b", at(3));
    Prediction p = c.classify(at(0));
    assertEquals("b", p.label(), "2 votes each: the label declared first wins");
    assertEquals(0.5, p.score(0));
    KnnClassifier k3 = KnnClassifier.builder(c.index()).k(3).vote(Vote.MAJORITY).build();
    assertEquals("a", k3.classify(at(0)).label());
    assertEquals(2.0 / 3, k3.classify(at(0)).score(0), 1e-12);
  }

  @Test
  void everyLabelIsRankedForTopFive() {
    KnnClassifier c =
        KnnClassifier.builder(2).k(1).labels(List.of("l0", "l1", "l2", "l3", "l4", "l5")).build();
    c.enroll("l3", at(0));
    c.enroll("l5", at(90));
    Prediction p = c.classify(at(10));
    assertEquals(6, p.size());
    assertEquals("l3", p.label(0));
    // unvoted labels follow in table order with score 0, as torch's stable sort leaves them
    assertEquals(
        List.of("l0", "l1", "l2", "l4", "l5"),
        List.of(p.label(1), p.label(2), p.label(3), p.label(4), p.label(5)));
    assertEquals(0.0, p.score(1));
    assertTrue(p.inTop(1, 3));
    assertFalse(p.inTop(5, 5));
  }

  @Test
  void openSetRejectsFarInputs() {
    KnnClassifier c = KnnClassifier.builder(2).k(3).openSetThreshold(0.9f).build();
    c.enroll("a", at(0));
    c.enroll("b", at(90));
    Prediction near = c.classify(at(10));
    assertEquals("a", near.label());
    assertFalse(near.rejected());
    Prediction far = c.classify(at(45)); // cos 45° = 0.707 < 0.9
    assertTrue(far.rejected());
  }

  @Test
  void fewShotEnrollmentAndForgetting() {
    KnnClassifier c = KnnClassifier.builder(2).k(1).build();
    long mug = c.enroll("mug", at(0));
    c.enroll("keys", at(90));
    assertEquals("mug", c.classify(at(20)).label());
    assertTrue(c.forget(mug));
    assertEquals("keys", c.classify(at(20)).label());
    assertEquals(1, c.forgetLabel("keys"));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.classify(at(0)));
    assertEquals("the k-NN index is empty: enroll examples before classifying", e.getMessage());
  }

  @Test
  void builderRejectsBadValues() {
    assertEquals(
        "k must be positive: 0",
        assertThrows(IllegalArgumentException.class, () -> KnnClassifier.builder(2).k(0))
            .getMessage());
    assertEquals(
        "temperature must be positive and finite: -1.0",
        assertThrows(IllegalArgumentException.class, () -> KnnClassifier.builder(2).temperature(-1))
            .getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> KnnClassifier.builder(2).openSetThreshold(2f));
    assertThrows(IllegalArgumentException.class, () -> Vote.parse("plurality"));
    assertEquals(Vote.DINOV2_SOFTMAX, Vote.parse("DINOv2"));
  }

  @Test
  void embeddingsGoWhereTheirVectorsGo() {
    KnnClassifier vectors = KnnClassifier.builder(2).k(3).build();
    KnnClassifier embeddings = KnnClassifier.builder(2).k(3).build();
    for (int i = 0; i < 10; i++) {
      String label = i % 2 == 0 ? "even" : "odd";
      float[] v = {(float) Math.cos(i * 0.7) * 5, (float) Math.sin(i * 0.7) * 5};
      Embedding e = new Embedding(v.clone());
      assertEquals(vectors.enroll(label, v), embeddings.enroll(label, e));
      assertArrayEquals(v, e.vector(), "the embedding's array is read, not normalized in place");
    }
    List<Embedding> more = List.of(new Embedding(at(200)), new Embedding(at(210)));
    assertArrayEquals(
        vectors.index().addAll(List.of("x", "y"), new float[][] {at(200), at(210)}),
        embeddings.index().addAll(List.of("x", "y"), more));
    float[][] queries = new float[12][];
    List<Embedding> queryEmbeddings = new java.util.ArrayList<>();
    for (int q = 0; q < queries.length; q++) {
      queries[q] = at(q * 31.0);
      queryEmbeddings.add(new Embedding(at(q * 31.0)));
    }
    Prediction[] batch = embeddings.classify(queryEmbeddings);
    Neighbors[] nn = embeddings.index().search(queryEmbeddings, 4);
    for (int q = 0; q < queries.length; q++) {
      Prediction a = vectors.classify(queries[q]);
      Prediction b = embeddings.classify(queryEmbeddings.get(q));
      assertEquals(a.toString(), b.toString());
      assertEquals(a.toString(), batch[q].toString());
      assertEquals(
          vectors.index().search(queries[q], 4).toString(),
          embeddings.index().search(queryEmbeddings.get(q), 4).toString());
      assertEquals(vectors.index().search(queries[q], 4).toString(), nn[q].toString());
    }
    assertEquals(
        "embedding",
        assertThrows(NullPointerException.class, () -> embeddings.classify((Embedding) null))
            .getMessage());
    assertEquals(
        "vector 0 has dimension 3, the index has 2",
        assertThrows(
                IllegalArgumentException.class,
                () -> embeddings.enroll("z", new Embedding(new float[] {1, 2, 3})))
            .getMessage());
  }

  private static double cos(double degrees) {
    return Math.cos(Math.toRadians(degrees));
  }
}
