package io.edgessl.stress;

import io.edgessl.knn.BankPrecision;
import io.edgessl.knn.KnnIndex;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/** Searches racing removals see the entry whole or not at all; compaction is never half-seen. */
public final class RemoveVsSearch {
  private RemoveVsSearch() {}

  /** "a" then "b" enrolled; removing "a" compacts "b" into slot 0 while a search reads. */
  @JCStressTest
  @Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "search before the removal")
  @Outcome(id = "2, 1", expect = Expect.ACCEPTABLE, desc = "search after the removal")
  @Outcome(expect = Expect.FORBIDDEN, desc = "a state that is neither")
  @State
  public static class Compaction {
    final KnnIndex index = Vecs.index(BankPrecision.FP32);
    final long a;

    public Compaction() {
      a = index.add("a", Vecs.unit(0));
      index.add("b", Vecs.unit(1));
    }

    @Actor
    public void remove(II_Result r) {
      r.r2 = index.remove(a) ? 1 : 0;
    }

    @Actor
    public void search(II_Result r) {
      var nn = index.search(Vecs.query(), 2);
      int before = Vecs.state(nn, 1e-6f); // 1: "b" then "a"
      if (before == 1) {
        r.r1 = 1;
      } else if (nn.size() == 1 && "b".equals(nn.label(0)) && nn.id(0) == 1) {
        r.r1 = Math.abs(nn.similarity(0) - 0.8f) <= 1e-6f ? 2 : -1;
      } else {
        r.r1 = -1;
      }
    }
  }

  /** A removal racing labelCounts(): the counts are of one state, never a mix. */
  @JCStressTest
  @Outcome(id = "2, 1", expect = Expect.ACCEPTABLE, desc = "counts before the removal")
  @Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "counts after the removal")
  @Outcome(expect = Expect.FORBIDDEN, desc = "a state that is neither")
  @State
  public static class Counts {
    final KnnIndex index = Vecs.index(BankPrecision.INT8);
    final long a;

    public Counts() {
      a = index.add("x", Vecs.unit(0));
      index.add("x", Vecs.unit(1));
    }

    @Actor
    public void remove(II_Result r) {
      r.r2 = index.remove(a) ? 1 : 0;
    }

    @Actor
    public void counts(II_Result r) {
      int[] c = index.labelCounts();
      r.r1 = c.length == 1 && (c[0] == 1 || c[0] == 2) ? c[0] : -1;
    }
  }
}
