#!/usr/bin/python3
"""Prints scripts/bench-import's table: PyTorch eager against the imported bundle, round by round.

    scripts/python/bench_import_table.py DIR [--threads T]

Reads DIR/torch-rK.json (scripts/python/bench_torch_encoder.py --json) and DIR/precision-rK.json
(`edgessl bench precision --json`: accuracy.{fp32,int8}.cosine_mean/_min,
images_per_s_by_threads.{T}.{fp32,int8}, preprocessing_images_per_s) for K = 1, 2, ... and prints
one markdown row per round and a row of medians. A round whose file is missing or unreadable shows
"—" where its numbers would be.

EdgeSSL's images/s from `bench precision` are end to end (Encoder.embed: preprocessing of the
28x28 Fashion-MNIST frames to 224x224 plus inference); "inference" subtracts the time of
preprocessing alone, as `bench precision` prints it. PyTorch's are model(x) alone on a ready
tensor, so the ratios use EdgeSSL's inference-alone figures.
"""
import argparse
import glob
import json
import os
import re
import statistics
import sys

DASH = "—"


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def inference(end_to_end, preprocessing):
    """PrecisionBenchResult.inference: per-image times subtract; None when noise makes it negative."""
    if end_to_end is None:
        return None
    if not preprocessing:
        return end_to_end
    t = 1 / end_to_end - 1 / preprocessing
    return 1 / t if t > 0 else None


def speed(prec, threads, p):
    if not prec:
        return None
    by = prec.get("images_per_s_by_threads", {})
    s = by.get(str(threads)) if threads is not None else None
    if s is None and len(by) == 1:
        s = next(iter(by.values()))
    return None if s is None else s.get(p)


def ratio(a, b):
    return a / b if a is not None and b else None


def fmt(v, spec="%.2f", suffix=""):
    return DASH if v is None else (spec % v) + suffix


def median(values):
    v = [x for x in values if x is not None]
    return statistics.median(v) if v else None


def rounds(d):
    ks = set()
    for f in glob.glob(os.path.join(d, "torch-r*.json")) + glob.glob(
            os.path.join(d, "precision-r*.json")):
        m = re.search(r"-r(\d+)\.json$", f)
        if m:
            ks.add(int(m.group(1)))
    return sorted(ks)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("--threads", type=int, help="thread count to read (default: the rounds')")
    a = ap.parse_args()
    ks = rounds(a.dir)
    if not ks:
        print("bench_import_table: no torch-rK.json or precision-rK.json in %s" % a.dir,
              file=sys.stderr)
        return 1
    rows = []
    first_torch = first_prec = None
    for k in ks:
        t = load(os.path.join(a.dir, "torch-r%d.json" % k))
        p = load(os.path.join(a.dir, "precision-r%d.json" % k))
        first_torch = first_torch or t
        first_prec = first_prec or p
        threads = a.threads if a.threads is not None else (t or {}).get("threads")
        pre = (p or {}).get("preprocessing_images_per_s")
        acc = ((p or {}).get("accuracy") or {}).get("int8") or {}
        r = {"round": k, "torch": (t or {}).get("images_per_s")}
        r["fp32"] = speed(p, threads, "fp32")
        r["int8"] = speed(p, threads, "int8")
        r["fp32_inf"] = inference(r["fp32"], pre)
        r["int8_inf"] = inference(r["int8"], pre)
        r["fp32_vs"] = ratio(r["fp32_inf"], r["torch"])
        r["int8_vs"] = ratio(r["int8_inf"], r["torch"])
        r["int8_fp32"] = ratio(r["int8_inf"], r["fp32_inf"])
        r["cos_mean"] = acc.get("cosine_mean")
        r["cos_min"] = acc.get("cosine_min")
        rows.append(r)

    if first_torch:
        print("PyTorch %s eager (%s, BLAS %s), %s, batch %s, %sx%s, %s thread(s), median of %s runs;"
              % (first_torch.get("torch"), first_torch.get("cpu"), first_torch.get("blas"),
                 first_torch.get("model"), first_torch.get("batch"), first_torch.get("size"),
                 first_torch.get("size"), first_torch.get("threads"), first_torch.get("runs")))
    if first_prec:
        print("EdgeSSL: %s, %s, on %s; images/s end to end (e2e) and inference alone (inf);"
              " ratios on inference alone" % (first_prec.get("bundle"), first_prec.get("backend"),
                                              first_prec.get("machine")))
    print()
    print("| round | PyTorch eager img/s | FP32 img/s e2e / inf | INT8 img/s e2e / inf |"
          " FP32 / PyTorch | INT8 / PyTorch | INT8 / FP32 | INT8 cosine to FP32 (mean / min) |")
    print("|---|---|---|---|---|---|---|---|")

    def line(label, r):
        cos = DASH if r["cos_mean"] is None else "%.6f / %.6f" % (r["cos_mean"], r["cos_min"])
        print("| %s | %s | %s / %s | %s / %s | %s | %s | %s | %s |" % (
            label, fmt(r["torch"]), fmt(r["fp32"]), fmt(r["fp32_inf"]), fmt(r["int8"]),
            fmt(r["int8_inf"]), fmt(r["fp32_vs"], suffix="×"), fmt(r["int8_vs"], suffix="×"),
            fmt(r["int8_fp32"], suffix="×"), cos))

    for r in rows:
        line(str(r["round"]), r)
    med = {key: median([r[key] for r in rows]) for key in rows[0] if key != "round"}
    line("**median**", med)
    return 0


if __name__ == "__main__":
    sys.exit(main())
