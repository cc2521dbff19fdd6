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

Faiss multiplies batches with BLAS sgemm. Debian's default BLAS (libblas3) is the unoptimized
reference implementation, which would make Faiss look several times slower than it is; this
script runs Faiss on OpenBLAS when libopenblas0-pthread is installed (it re-executes itself with
OpenBLAS first on LD_LIBRARY_PATH) and prints the BLAS library it ran on.

The machine may be shared: the two sides alternate in --rounds rounds (each EdgeSSL round times
its methods in interleaved runs), and every method is reported by the median of all its runs.

Needs Debian's python3-faiss, python3-numpy and libopenblas0-pthread, and Debian's python
(apt-get install python3-faiss python3-numpy libopenblas0-pthread; run with /usr/bin/python3).

  native/bench/knn_vs_faiss.py                          # Fashion-MNIST: 60k x 784 raw pixels
  native/bench/knn_vs_faiss.py --synthetic 100000,384   # Gaussian unit vectors
  native/bench/knn_vs_faiss.py --kernels both           # the Java kernels too (slow)
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

OPENBLAS_DIR = "/usr/lib/x86_64-linux-gnu/openblas-pthread"
if platform.machine() == "aarch64":
    OPENBLAS_DIR = "/usr/lib/aarch64-linux-gnu/openblas-pthread"

# Before numpy and faiss load their thread pools and BLAS: one thread, and OpenBLAS if installed
# (the dynamic loader reads LD_LIBRARY_PATH only at start, hence the re-execution).
if os.path.isdir(OPENBLAS_DIR) and OPENBLAS_DIR not in os.environ.get("LD_LIBRARY_PATH", ""):
    env = dict(os.environ)
    env["LD_LIBRARY_PATH"] = OPENBLAS_DIR + os.pathsep + env.get("LD_LIBRARY_PATH", "")
    os.execve(sys.executable, [sys.executable] + sys.argv, env)
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
    p.add_argument("--rounds", type=int, default=3, help="alternations of the two sides")
    p.add_argument("--runs", type=int, default=3, help="timed runs per method and round")
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--rerank", type=int, default=2)
    p.add_argument("--kernels", default="native", help="EdgeSSL kernels: native, java or both")
    p.add_argument("--edgessl", default=str(ROOT / "edgessl"), help="the edgessl launcher")
    p.add_argument("--keep", metavar="DIR", help="export into DIR and keep it")
    p.add_argument("--json", metavar="FILE", help="also write the combined results to FILE")
    a = p.parse_args()

    with tempfile.TemporaryDirectory(prefix="edgessl-faiss-") as tmp:
        out = Path(a.keep) if a.keep else Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        methods = {}  # name -> {"row": last row, "seconds": all runs}
        faiss_index = None
        for rnd in range(a.rounds):
            report = out / f"edgessl-{rnd}.json"
            cmd = [a.edgessl, "bench", "knn", "--queries", str(a.queries), "-k", str(a.k),
                   "--runs", str(a.runs), "--warmup", str(a.warmup), "--rerank", str(a.rerank),
                   "--kernels", a.kernels.replace("both", "java,native"),
                   "--naive-queries", str(min(50, a.queries)), "--json", str(report)]
            if rnd == 0:
                cmd += ["--export", str(out)]
            if a.synthetic:
                cmd += ["--synthetic", a.synthetic]
            print(f"round {rnd + 1}/{a.rounds}: $ " + " ".join(cmd), flush=True)
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL if rnd else None)
            edgessl = json.loads(report.read_text())
            for r in edgessl["rows"]:
                if r["method"] != "naive per-query loop":
                    collect(methods, r)
            if rnd == 0:
                meta = json.loads((out / "meta.json").read_text())
                n, d, nq, k = meta["count"], meta["dimension"], meta["queries"], meta["k"]
                bank = np.fromfile(out / "bank.f32", dtype="<f4").reshape(n, d)
                queries = np.fromfile(out / "queries.f32", dtype="<f4").reshape(nq, d)
                exact = np.fromfile(out / "exact.i32", dtype="<i4").reshape(nq, k)
                faiss.omp_set_num_threads(1)
                faiss_index = faiss.IndexFlatIP(d)
                faiss_index.add(bank)
            print(f"round {rnd + 1}/{a.rounds}: Faiss IndexFlatIP", flush=True)
            collect(methods, run_faiss(faiss_index, queries, exact, k, a.runs, a.warmup))

    rows = []
    for name, m in methods.items():
        row = dict(m["row"])
        row["seconds"] = m["seconds"]
        row["queries_per_second"] = row["queries"] / statistics.median(m["seconds"])
        rows.append(row)
    rows.sort(key=lambda r: r["method"] != "faiss IndexFlatIP fp32")
    base = rows[0]["queries_per_second"]
    runs = a.rounds * a.runs
    print()
    print(f"k-NN search, {meta['source']}: bank {n:,} x {d}, {nq} queries, k {k}, one thread, "
          f"median of {runs} runs ({a.rounds} alternating rounds)")
    print(f"  {'method':<44} {'queries/s':>10} {'recall@' + str(k):>10} {'vs Faiss':>9}")
    for r in rows:
        print(f"  {r['method']:<44} {r['queries_per_second']:>10.1f} {r['recall']:>10.4f} "
              f"{r['queries_per_second'] / base:>8.2f}x")
    print(f"  Faiss {faiss.__version__} on {blas()}, numpy {np.__version__}, "
          f"Python {platform.python_version()}")
    print(f"  {edgessl['native']}; Java {edgessl['java']}")
    if a.json:
        Path(a.json).write_text(json.dumps({"meta": meta, "faiss_version": faiss.__version__,
                                            "blas": blas(), "rows": rows}, indent=2))


def collect(methods, row):
    m = methods.setdefault(row["method"], {"row": row, "seconds": []})
    m["row"] = row
    m["seconds"] += row["seconds"]


def blas():
    """The BLAS library this process loaded (Linux: from its memory map)."""
    try:
        libs = {line.split()[-1] for line in open("/proc/self/maps") if "blas" in line}
        return ", ".join(sorted(libs)) or "unknown BLAS"
    except OSError:
        return "unknown BLAS"


def run_faiss(index, queries, exact, k, runs, warmup):
    """IndexFlatIP over the whole batch of queries (Faiss's BLAS path), timed like EdgeSSL's."""
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
