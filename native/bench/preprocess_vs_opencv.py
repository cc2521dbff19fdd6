#!/usr/bin/python3
"""Preprocessing: EdgeSSL's kernels against OpenCV, same job, same frames' sizes, one thread.

The job is DINO's evaluation transform on a camera frame: convert to RGB, resize the short side
to 256 (bilinear or bicubic, half-pixel centres), crop the centre 224 x 224, normalize with the
ImageNet mean and std, and lay the result out as float32 planes (CHW), ready for a model.

- EdgeSSL: `edgessl bench preprocess --json` (the Java and native kernels, timed inside the JVM,
  interleaved), which does all of it in one pass from the frame's bytes.
- OpenCV: cv2.cvtColor to RGB (none for RGB frames), cv2.resize of the whole frame, the crop (a
  view), then the normalization and the HWC -> CHW transpose with NumPy into preallocated float32
  buffers, the way a Python pipeline feeds a model.

Both sides run on one thread: cv2.setNumThreads(1) here (and OMP/OpenBLAS pinned to one thread),
and EdgeSSL's bench is single-threaded. The machine may be shared: the two sides alternate in
--rounds rounds, and each method is reported by the median of all its runs; ratios are to
OpenCV's time for the same format and filter.

Needs Debian's python3-opencv and python3-numpy, and Debian's python
(apt-get install python3-opencv python3-numpy; run it with /usr/bin/python3).

  native/bench/preprocess_vs_opencv.py                              # 1280x720, every format
  native/bench/preprocess_vs_opencv.py --formats nv12,rgb --frame 640x480
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

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import numpy as np  # noqa: E402

try:
    import cv2  # noqa: E402
except ImportError:
    sys.exit("preprocess_vs_opencv: needs OpenCV for this Python (" + sys.executable + "):"
             " apt-get install python3-opencv, and run it with Debian's /usr/bin/python3")

ROOT = Path(__file__).resolve().parents[2]
FORMATS = ["rgb", "bgr", "rgba", "bgra", "gray", "nv12", "nv21", "yuyv"]
# OpenCV's conversion of each format to RGB (None: the frame is RGB already).
CONVERSIONS = {
    "rgb": None,
    "bgr": cv2.COLOR_BGR2RGB,
    "rgba": cv2.COLOR_RGBA2RGB,
    "bgra": cv2.COLOR_BGRA2RGB,
    "gray": cv2.COLOR_GRAY2RGB,
    "nv12": cv2.COLOR_YUV2RGB_NV12,
    "nv21": cv2.COLOR_YUV2RGB_NV21,
    "yuyv": cv2.COLOR_YUV2RGB_YUYV,
}
FILTERS = {"bilinear": cv2.INTER_LINEAR, "bicubic": cv2.INTER_CUBIC}
MEAN = np.array([0.485, 0.456, 0.406], np.float32)
STD = np.array([0.229, 0.224, 0.225], np.float32)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--frame", default="1280x720", help="WIDTHxHEIGHT")
    p.add_argument("--formats", default=",".join(FORMATS))
    p.add_argument("--filters", default="bilinear,bicubic")
    p.add_argument("--size", type=int, default=224)
    p.add_argument("--short-side", type=int, default=256)
    p.add_argument("--kernels", default="java,native", help="EdgeSSL kernels: java, native")
    p.add_argument("--rounds", type=int, default=3, help="alternations of the two sides")
    p.add_argument("--runs", type=int, default=5, help="timed runs per method and round")
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--frames", type=int, default=20, help="frames per timed run")
    p.add_argument("--edgessl", default=str(ROOT / "edgessl"), help="the edgessl launcher")
    p.add_argument("--json", metavar="FILE", help="also write the combined results to FILE")
    a = p.parse_args()
    w, h = (int(v) for v in a.frame.lower().split("x"))
    formats = a.formats.split(",")
    filters = a.filters.split(",")
    cv2.setNumThreads(1)

    seconds = {}  # (format, filter, method) -> seconds per frame, every run of every round
    edgessl = None
    with tempfile.TemporaryDirectory(prefix="edgessl-opencv-") as tmp:
        for rnd in range(a.rounds):
            report = Path(tmp) / f"edgessl-{rnd}.json"
            cmd = [a.edgessl, "bench", "preprocess", "--frame", a.frame, "--formats", a.formats,
                   "--filters", a.filters, "--size", str(a.size), "--short-side",
                   str(a.short_side), "--kernels", a.kernels, "--runs", str(a.runs),
                   "--warmup", str(a.warmup), "--frames", str(a.frames), "--json", str(report)]
            print(f"round {rnd + 1}/{a.rounds}: $ " + " ".join(cmd), flush=True)
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL if rnd else None)
            edgessl = json.loads(report.read_text())
            for r in edgessl["rows"]:
                key = (r["format"].lower(), r["filter"], r["kernels"])
                seconds.setdefault(key, []).extend(r["seconds_per_frame"])
            print(f"round {rnd + 1}/{a.rounds}: OpenCV {cv2.__version__}", flush=True)
            for f in formats:
                frame = random_frame(f, w, h)
                for flt in filters:
                    key = (f, flt, "opencv")
                    seconds.setdefault(key, []).extend(
                        run_opencv(frame, f, flt, w, h, a.size, a.short_side, a.frames, a.runs,
                                   a.warmup))

    methods = sorted({k[2] for k in seconds if k[2] != "opencv"}, key=lambda m: m != "java")
    runs = a.rounds * a.runs
    print()
    print(f"preprocessing {w}x{h} -> short side {a.short_side}, crop {a.size}x{a.size}, RGB planes"
          f" normalized; one thread; median of {runs} runs of {a.frames} frames "
          f"({a.rounds} alternating rounds); frames per second and ratio to OpenCV")
    header = f"  {'format':<6} {'filter':<9} {'opencv':>9}"
    for m in methods:
        header += f" {m:>20} {'vs opencv':>9}"
    print(header)
    rows = []
    for f in formats:
        for flt in filters:
            base = 1 / statistics.median(seconds[(f, flt, "opencv")])
            line = f"  {f.upper():<6} {flt:<9} {base:>9.1f}"
            row = {"format": f.upper(), "filter": flt, "opencv_fps": base}
            for m in methods:
                fps = 1 / statistics.median(seconds[(f, flt, m)])
                line += f" {fps:>20.1f} {fps / base:>8.2f}x"
                row[m + "_fps"] = fps
            print(line)
            rows.append(row)
    print(f"  OpenCV {cv2.__version__}, numpy {np.__version__}, Python {platform.python_version()};"
          f" EdgeSSL on Java {edgessl['java']}")
    if a.json:
        Path(a.json).write_text(json.dumps({"frame": [w, h], "size": a.size,
                                            "short_side": a.short_side, "runs": runs,
                                            "opencv": cv2.__version__, "rows": rows}, indent=2))


def random_frame(fmt, w, h):
    """Seeded random pixels in the layout OpenCV's conversion expects for the format."""
    rng = np.random.default_rng(7)
    shape = {
        "rgb": (h, w, 3), "bgr": (h, w, 3), "rgba": (h, w, 4), "bgra": (h, w, 4),
        "gray": (h, w), "nv12": (h * 3 // 2, w), "nv21": (h * 3 // 2, w), "yuyv": (h, w, 2),
    }[fmt]
    if fmt in ("nv12", "nv21", "yuyv") and (w % 2 or h % 2):
        sys.exit("OpenCV's YUV conversions need an even frame size")
    return rng.integers(0, 256, shape, dtype=np.uint8)


def run_opencv(frame, fmt, flt, w, h, size, short_side, frames, runs, warmup):
    """cvtColor + resize + crop + normalize + CHW, as EdgeSSL's Preprocessing defines the job
    (torchvision's Resize and CenterCrop arithmetic); returns seconds per frame of each run."""
    if h <= w:
        rh, rw = short_side, short_side * w // h
    else:
        rh, rw = short_side * h // w, short_side
    top, left = round((rh - size) / 2.0), round((rw - size) / 2.0)
    conversion = CONVERSIONS[fmt]
    interp = FILTERS[flt]
    scale = (1.0 / (255.0 * STD)).astype(np.float32)
    bias = (-MEAN / STD).astype(np.float32)
    hwc = np.empty((size, size, 3), np.float32)
    chw = np.empty((3, size, size), np.float32)

    def once():
        rgb = frame if conversion is None else cv2.cvtColor(frame, conversion)
        resized = cv2.resize(rgb, (rw, rh), interpolation=interp)
        crop = resized[top:top + size, left:left + size]
        np.multiply(crop, scale, out=hwc)
        np.add(hwc, bias, out=hwc)
        chw[...] = hwc.transpose(2, 0, 1)
        return chw

    for _ in range(warmup):
        for _ in range(frames):
            once()
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        for _ in range(frames):
            once()
        out.append((time.perf_counter() - t) / frames)
    return out


if __name__ == "__main__":
    main()
