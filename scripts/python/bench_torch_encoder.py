#!/usr/bin/python3
"""Inference throughput of a ViT encoder in PyTorch eager mode: the baseline of an imported bundle.

Builds DINO's ViT-S/16 (dim 384, depth 12, heads 6; or ViT-B/16) with seeded random weights
(scripts/python/edgessl_torch_models.py), optionally exports it to ONNX exactly as a DINO user
would (torch.onnx.export's defaults, opset 14, input `pixels` [N, 3, S, S], outputs `cls` [N, D]
and `patch_tokens` [N, (S/16)^2, D], batch axis `N` dynamic), then times model(x) under
torch.no_grad() on one fixed batch: --warmup untimed runs, then --runs timed ones, one forward pass
of the batch each; prints each run's images/s and the median. Preprocessing is not included.

  /usr/bin/python3 scripts/python/bench_torch_encoder.py --model dino-vits16 --batch 8 --size 224 \
      --threads 1 --runs 7 --warmup 2 --seed 0 [--export OUT.onnx] [--json OUT.json]

Needs Debian's python3-torch (and python3-onnx for --export's check); run with /usr/bin/python3.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

MODELS = {
    # name: (patch, dim, depth, heads)
    "dino-vits16": (16, 384, 12, 6),
    "dino-vitb16": (16, 768, 12, 12),
}


def parse():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", choices=sorted(MODELS), default="dino-vits16")
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--size", type=int, default=224, help="input height and width (default 224)")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--export", metavar="OUT.onnx", help="also write the ONNX export here")
    p.add_argument("--no-time", action="store_true", help="export only, no timing")
    p.add_argument("--json", metavar="OUT.json", help="also write the results as JSON here")
    a = p.parse_args()
    for k in ("batch", "size", "threads", "runs"):
        if getattr(a, k) < 1:
            p.error("--%s must be at least 1" % k)
    if a.warmup < 0:
        p.error("--warmup must be at least 0")
    if a.size % MODELS[a.model][0]:
        p.error("--size must be a multiple of the patch size %d" % MODELS[a.model][0])
    return a


args = parse()
# OpenBLAS / OpenMP read these when torch is imported.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(args.threads)

import torch  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from edgessl_torch_models import DinoVit, randomize  # noqa: E402

torch.set_num_threads(args.threads)
torch.set_num_interop_threads(1)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def blas_alternative():
    """The libblas.so.3 that Debian's alternatives select (torch's BLAS_INFO only says generic)."""
    name = "libblas.so.3-" + {"x86_64": "x86_64", "aarch64": "aarch64"}.get(
        platform.machine(), platform.machine()) + "-linux-gnu"
    try:
        q = subprocess.run(["update-alternatives", "--query", name], capture_output=True,
                           text=True, timeout=10)
        for line in q.stdout.splitlines():
            if line.startswith("Value:"):
                return line.split(":", 1)[1].strip()
    except (OSError, subprocess.SubprocessError):
        pass
    link = "/etc/alternatives/" + name
    return os.path.realpath(link) if os.path.exists(link) else "unknown"


def blas_loaded():
    """BLAS / LAPACK libraries mapped into this process (after a matmul has run)."""
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1] if len(line.split()) >= 6 else ""
                base = os.path.basename(path)
                if "blas" in base or "lapack" in base or "mkl" in base:
                    libs.add(os.path.realpath(path))
    except OSError:
        pass
    return sorted(libs)


def torch_blas_info():
    for part in torch.__config__.show().replace(",", "\n").splitlines():
        if "BLAS_INFO" in part:
            return part.split("=", 1)[1].strip()
    return "unknown"


def export(model, x, path):
    import warnings

    with warnings.catch_warnings():
        # The trace's "Converting a tensor to a Python boolean" about the position-embedding
        # shortcut (taken at the trained size): expected, as in every export of DINO's code.
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        _export(model, x, path)


def _export(model, x, path):
    torch.onnx.export(
        model, x, path, input_names=["pixels"], output_names=["cls", "patch_tokens"],
        dynamic_axes={"pixels": {0: "N"}, "cls": {0: "N"}, "patch_tokens": {0: "N"}},
        opset_version=14)
    try:
        import onnx
    except ImportError:
        print("  (python3-onnx missing: export not checked)")
        return
    onnx.checker.check_model(path)
    m = onnx.load(path, load_external_data=False)
    outs = ", ".join(
        "%s [%s]" % (o.name, ", ".join(d.dim_param or str(d.dim_value)
                                       for d in o.type.tensor_type.shape.dim))
        for o in m.graph.output)
    print("  exported  %s (%.1f MB, opset %d): %s" % (
        path, os.path.getsize(path) / 1e6, m.opset_import[0].version, outs))


def main():
    patch, dim, depth, heads = MODELS[args.model]
    torch.manual_seed(args.seed)
    model = randomize(DinoVit(args.size, patch, dim, depth, heads), args.seed)
    n_params = sum(p.numel() for p in model.parameters())
    g = torch.Generator().manual_seed(args.seed + 1)
    x = torch.randn(args.batch, 3, args.size, args.size, generator=g)
    print(f"PyTorch {torch.__version__} (Python {sys.version.split()[0]}), {args.threads} threads,"
          f" BLAS {blas_alternative()}")
    print(f"  model     {args.model}, {n_params:,} parameters, input {args.size}x{args.size},"
          f" batch {args.batch}")
    if args.export:
        d = os.path.dirname(os.path.abspath(args.export))
        os.makedirs(d, exist_ok=True)
        with torch.no_grad():
            export(model, x, args.export)
    result = {
        "model": args.model,
        "parameters": n_params,
        "batch": args.batch,
        "size": args.size,
        "threads": args.threads,
        "seed": args.seed,
        "torch": torch.__version__,
        "python": sys.version.split()[0],
        "torch_blas_info": torch_blas_info(),
        "blas": blas_alternative(),
        "cpu": cpu_model(),
        "cpus": os.cpu_count(),
        "export": os.path.abspath(args.export) if args.export else None,
    }
    if not args.no_time:
        per_run = []
        with torch.no_grad():
            for r in range(-args.warmup, args.runs):
                t0 = time.perf_counter()
                model(x)
                dt = time.perf_counter() - t0
                if r >= 0:
                    per_run.append(args.batch / dt)
                    print(f"  run {r + 1:<5d} {args.batch / dt:.2f} images/s ({1e3 * dt:.0f} ms)")
        med = statistics.median(per_run)
        print(f"  eager     {med:.2f} images/s median of {args.runs} runs after {args.warmup}"
              f" warm-up, {1e3 * args.batch / med:.0f} ms per batch of {args.batch}")
        result.update({
            "runs": args.runs,
            "warmup": args.warmup,
            "images_per_s_runs": per_run,
            "images_per_s": med,
            "blas_loaded": blas_loaded(),
        })
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
