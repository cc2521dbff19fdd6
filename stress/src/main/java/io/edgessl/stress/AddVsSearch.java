package io.edgessl.stress;

import io.edgessl.knn.BankPrecision;
import io.edgessl.knn.KnnIndex;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/** Searches racing adds see the index before or after the add, never a half-built entry. */
public final class AddVsSearch {
  private AddVsSearch() {}

  /** An FP32 bank holding "a"; one thread adds "b" (a new label) while another searches. */
  @JCStressTest
  @Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "search before the add")
  @Outcome(id = "1, 0", expect = Expect.ACCEPTABLE, desc = "search after the add")
  @Outcome(expect = Expect.FORBIDDEN, desc = "a state that is neither")
  @State
  public static class Fp32 {
    final KnnIndex index = Vecs.index(BankPrecision.FP32);

    public Fp32() {
      index.add("a", Vecs.unit(0));
    }

    @Actor
    public void add(II_Result r) {
      r.r2 = index.add("b", Vecs.unit(1)) == 1 ? 0 : -1;
    }

    @Actor
    public void search(II_Result r) {
      r.r1 = Vecs.state(index.search(Vecs.query(), 2), 1e-6f);
    }
  }

  /** The same on an INT8 bank (codes and scales published together). */
  @JCStressTest
  @Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "search before the add")
  @Outcome(id = "1, 0", expect = Expect.ACCEPTABLE, desc = "search after the add")
  @Outcome(expect = Expect.FORBIDDEN, desc = "a state that is neither")
  @State
  public static class Int8 {
    final KnnIndex index = Vecs.index(BankPrecision.INT8);

    public Int8() {
      index.add("a", Vecs.unit(0));
    }

    @Actor
    public void add(II_Result r) {
      r.r2 = index.add("b", Vecs.unit(1)) == 1 ? 0 : -1;
    }

    @Actor
    public void search(II_Result r) {
      r.r1 = Vecs.state(index.search(Vecs.query(), 2), 0.02f);
    }
  }

  /**
   * Growth of the bank's arrays: the index is filled to a power of two before the race, so the add
   * reallocates while the search reads. The search asks for the best match of a fresh direction.
   */
  @JCStressTest
  @Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "search before the add")
  @Outcome(id = "1, 0", expect = Expect.ACCEPTABLE, desc = "search after the add")
  @Outcome(expect = Expect.FORBIDDEN, desc = "a state that is neither")
  @State
  public static class Growth {
    final KnnIndex index = Vecs.index(BankPrecision.FP32);

    public Growth() {
      for (int i = 0; i < 16; i++) {
        index.add("old", Vecs.unit(2 + i % 6));
      }
    }

    @Actor
    public void add(II_Result r) {
      r.r2 = index.add("new", Vecs.unit(0)) == 16 ? 0 : -1;
    }

    @Actor
    public void search(II_Result r) {
      var nn = index.search(Vecs.unit(0), 1);
      if (nn.size() == 1 && "old".equals(nn.label(0)) && nn.similarity(0) == 0f) {
        r.r1 = 0;
      } else if (nn.size() == 1 && "new".equals(nn.label(0)) && nn.similarity(0) == 1f) {
        r.r1 = 1;
      } else {
        r.r1 = -1;
      }
    }
  }
}
