#!/usr/bin/python3
"""k-NN search: EdgeSSL's kernels against Faiss IndexFlatIP, same bank, same queries, one thread.

One run measures both sides: it runs `edgessl bench knn --export DIR --json DIR/edgessl.json`
(EdgeSSL's rows: Java and native kernels, FP32, INT8 and INT8 + FP32 rerank, each with its
recall@k against the exact neighbours), then Faiss's exact FP32 inner-product index
(IndexFlatIP) on the exported bank and queries with the same number of warm-up and timed runs,
and prints every method's throughput as a ratio to Faiss's.

Both sides run on one thread: EdgeSSL's bench is single-threaded; here OMP_NUM_THREADS,
OPENBLAS_NUM_THREADS and faiss.omp_set_num_threads(1) pin Faiss (and the BLAS it calls for
batches of 20 queries or more) to one.

Needs Debian's python3-faiss and python3-numpy (apt-get install python3-faiss python3-numpy).

  native/bench/knn_vs_faiss.py                          # Fashion-MNIST: 60k x 784 raw pixels
  native/bench/knn_vs_faiss.py --synthetic 100000,384   # Gaussian unit vectors
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Before numpy and faiss load their thread pools.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import numpy as np  # noqa: E402

try:
    import faiss  # noqa: E402
except ImportError:
    sys.exit("knn_vs_faiss: needs Faiss for this Python (" + sys.executable + "): apt-get install"
             " python3-faiss python3-numpy, and run it with Debian's /usr/bin/python3")

ROOT = Path(__file__).resolve().parents[2]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--synthetic", metavar="N,D", help="N random unit vectors of dimension D")
    p.add_argument("--queries", type=int, default=2000)
    p.add_argument("-k", type=int, default=20)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--rerank", type=int, default=2)
    p.add_argument("--edgessl", default=str(ROOT / "edgessl"), help="the edgessl launcher")
    p.add_argument("--keep", metavar="DIR", help="export into DIR and keep it")
    p.add_argument("--json", metavar="FILE", help="also write the combined results to FILE")
    a = p.parse_args()

    with tempfile.TemporaryDirectory(prefix="edgessl-faiss-") as tmp:
        out = Path(a.keep) if a.keep else Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        cmd = [a.edgessl, "bench", "knn", "--queries", str(a.queries), "-k", str(a.k),
               "--runs", str(a.runs), "--warmup", str(a.warmup), "--rerank", str(a.rerank),
               "--naive-queries", str(min(200, a.queries)),
               "--export", str(out), "--json", str(out / "edgessl.json")]
        if a.synthetic:
            cmd += ["--synthetic", a.synthetic]
        print("$ " + " ".join(cmd), flush=True)
        subprocess.run(cmd, check=True)
        edgessl = json.loads((out / "edgessl.json").read_text())
        meta = json.loads((out / "meta.json").read_text())
        n, d, nq, k = meta["count"], meta["dimension"], meta["queries"], meta["k"]
        bank = np.fromfile(out / "bank.f32", dtype="<f4").reshape(n, d)
        queries = np.fromfile(out / "queries.f32", dtype="<f4").reshape(nq, d)
        exact = np.fromfile(out / "exact.i32", dtype="<i4").reshape(nq, k)
        faiss_row = run_faiss(bank, queries, exact, k, a.runs, a.warmup)

    rows = [faiss_row] + [r for r in edgessl["rows"] if r["method"] != "naive per-query loop"]
    base = faiss_row["queries_per_second"]
    print()
    print(f"k-NN search, {meta['source']}: bank {n:,} x {d}, {nq} queries, k {k}, one thread, "
          f"median of {a.runs} runs after {a.warmup} warm-up")
    print(f"  {'method':<44} {'queries/s':>10} {'recall@' + str(k):>10} {'vs Faiss':>9}")
    for r in rows:
        print(f"  {r['method']:<44} {r['queries_per_second']:>10.1f} {r['recall']:>10.4f} "
              f"{r['queries_per_second'] / base:>8.2f}x")
    print(f"  Faiss {faiss.__version__} (numpy {np.__version__}), Python {platform.python_version()}; "
          f"{edgessl['native']}; Java {edgessl['java']}")
    if a.json:
        Path(a.json).write_text(json.dumps({"meta": meta, "faiss_version": faiss.__version__,
                                            "edgessl": edgessl, "faiss": faiss_row}, indent=2))


def run_faiss(bank, queries, exact, k, runs, warmup):
    """IndexFlatIP over the whole batch of queries (Faiss's BLAS path), timed like EdgeSSL's."""
    faiss.omp_set_num_threads(1)
    index = faiss.IndexFlatIP(bank.shape[1])
    index.add(bank)
    for _ in range(warmup):
        index.search(queries, k)
    seconds = []
    for _ in range(runs):
        t = time.perf_counter()
        _, found = index.search(queries, k)
        seconds.append(time.perf_counter() - t)
    hits = sum(len(set(found[q]) & set(exact[q])) for q in range(len(queries)))
    return {"method": "faiss IndexFlatIP fp32", "kernels": "faiss", "precision": "fp32",
            "queries": len(queries), "seconds": seconds,
            "queries_per_second": len(queries) / statistics.median(seconds),
            "recall": hits / exact.size}


if __name__ == "__main__":
    main()
