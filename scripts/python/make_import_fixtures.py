#!/usr/bin/python3
"""Writes the fixtures of `edgessl import`'s tests: tools/train/src/test/resources/import-fixtures/.

    /usr/bin/python3 scripts/python/make_import_fixtures.py [--out DIR]

Needs Debian's python3-torch (1.13) and python3-onnx; run with /usr/bin/python3. The output is
deterministic: running the script again writes the same bytes (seeded weights and images, one
thread, no timestamps).

For each fixture NAME:
  NAME.onnx              torch.onnx.export of a small seeded model shaped like the family's real
                         one: input `pixels` [N, 3, H, W] (batch axis `N` dynamic, H and W too
                         when the fixture says so)
  NAME.json              what the importer is given and should find: preset, the size to import at
                         (and whether --size is needed), patch size or stride, registers, the ONNX
                         outputs with their declared shapes and their shapes at batch 2, the opset,
                         the operators in the graph, which output becomes `embedding` and which
                         `patch_grid`, and the `edgessl import` arguments that should work
  NAME.input.rgb         2 images, uint8 RGB interleaved, H*W*3 bytes each, not normalized
  NAME.embedding.f32     the expected bundle output `embedding` [2, D], little-endian float32
  NAME.patch_grid.f32    the expected `patch_grid` [2, H/p, W/p, D] (channels last)
Bad-input fixtures (two_pooled, no_image) have only NAME.onnx and NAME.json ("expect": "error").

The expected outputs are PyTorch's, in float32, on (pixel/255 - mean)/std with ImageNet's mean
and std, RGB, the images used as they are (no resize): what the SDK computes for a bundle imported
with the fixture's preset at the fixture's size.
"""
import argparse
import hashlib
import json
import os
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from edgessl_torch_models import DinoVit, Dinov2Vit, MaeVit, TinyResNet, randomize  # noqa: E402

MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)
# Max absolute difference to allow against the .f32 files: ONNX Runtime 1.29 (CPU, Java) on these
# graphs differs from PyTorch by at most 4e-6 (dims declared symbolic by torch's shape inference,
# e.g. D as "Gathercls_dim_1", must be read from a run, not the graph's declared shapes).
TOLERANCE = 1e-4
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(ROOT, "tools", "train", "src", "test", "resources", "import-fixtures")


def images(h, w, seed, count=2):
    """`count` images [count, h, w, 3] uint8: smooth gradients and waves plus pixel noise."""
    rng = np.random.RandomState(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    y /= h
    x /= w
    out = np.empty((count, h, w, 3), dtype=np.uint8)
    for i in range(count):
        for c in range(3):
            fx, fy = rng.uniform(0.5, 3.0, size=2)
            phase = rng.uniform(0, 2 * np.pi)
            tilt = rng.uniform(-60, 60, size=2)
            v = 127.5 + 70 * np.sin(2 * np.pi * (fx * x + fy * y) + phase) + tilt[0] * (x - 0.5)
            v += tilt[1] * (y - 0.5) + rng.normal(0, 14, size=(h, w))
            out[i, :, :, c] = np.clip(np.rint(v), 0, 255).astype(np.uint8)
    return out


def normalize(rgb):
    """The SDK's preprocessing: (pixel/255 - mean)/std in float32, NHWC uint8 -> NCHW float32."""
    x = (rgb.astype(np.float32) / np.float32(255) - MEAN) / STD
    return torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))


def f32(a):
    return np.ascontiguousarray(np.asarray(a, dtype="<f4")).tobytes()


def declared_shape(vi):
    dims = []
    for d in vi.type.tensor_type.shape.dim:
        dims.append(d.dim_value if d.HasField("dim_value") else (d.dim_param or "?"))
    return dims


def export(model, dummy, path, outputs, opset, dynamic_spatial, spatial_outputs=()):
    """torch.onnx.export as a user would: input `pixels`, batch axis `N` dynamic."""
    axes = {"pixels": {0: "N"}}
    if dynamic_spatial:
        axes["pixels"] = {0: "N", 2: "H", 3: "W"}
    for o in outputs:
        axes[o] = {0: "N"}
    for o, dims in spatial_outputs:
        axes[o].update(dims)
    torch.onnx.export(
        model, dummy, path, input_names=["pixels"], output_names=list(outputs),
        dynamic_axes=axes, opset_version=opset)
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    return m


class TwoPooled(nn.Module):
    """Two [N, D] outputs and no spatial one: the importer cannot tell which is the embedding."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 4, 4)
        self.a = nn.Linear(16, 8)
        self.b = nn.Linear(16, 8)

    def forward(self, x):
        f = torch.relu(self.stem(x)).mean(dim=(2, 3))
        return self.a(f), self.b(f)


class NoImage(nn.Module):
    """Its only input is [N, 10]: nothing to feed an image to."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(10, 8)

    def forward(self, x):
        return self.fc(x)


def vit_fixture(name, out_dir, model, family, preset, size, patch, opset, dynamic, outputs, seed,
                registers=0, trained=None, note=""):
    """A ViT fixture; outputs is 'dino' ([CLS], patch tokens) or a token-sequence output name."""
    h = w = size
    gh, gw = h // patch, w // patch
    rgb = images(h, w, seed + 1000)
    x = normalize(rgb)
    with torch.no_grad():
        y = model(x)
    if outputs == "dino":
        names = ["cls", "patch_tokens"]
        cls, patches = y
        spatial = [("patch_tokens", {1: "T"})] if dynamic else []
        picks = {
            "embedding": {"output": "cls", "how": "as is"},
            "patch_grid": {"output": "patch_tokens", "how": "reshape [N, h*w, D] to [N, h, w, D]"},
        }
        gap = None
    else:
        names = [outputs]
        tokens = y
        cls = tokens[:, 0]
        patches = tokens[:, 1 + registers:]
        gap = patches.mean(dim=1)
        spatial = [(outputs, {1: "T"})] if dynamic else []
        picks = {
            "embedding": {"output": outputs, "how": "token 0 ([CLS])"},
            "patch_grid": {
                "output": outputs,
                "how": "tokens 1+R.. (R = %d registers), reshaped to [N, h, w, D]" % registers,
            },
        }
    dim = cls.shape[-1]
    assert patches.shape == (2, gh * gw, dim), patches.shape
    grid = patches.reshape(2, gh, gw, dim)
    path = os.path.join(out_dir, name + ".onnx")
    m = export(model, x, path, names, opset, dynamic, spatial)
    ops = sorted({n.op_type for n in m.graph.node})
    if trained is not None and trained != size:
        assert "Resize" in ops, (name, "position embeddings not interpolated in the graph", ops)
    args = ["--preset", preset]
    if dynamic:
        args += ["--size", str(size)]
    if registers:
        args += ["--registers", str(registers)]
    files = {
        "input": name + ".input.rgb",
        "embedding": name + ".embedding.f32",
        "patch_grid": name + ".patch_grid.f32",
    }
    with open(os.path.join(out_dir, files["input"]), "wb") as f:
        f.write(rgb.tobytes())
    with open(os.path.join(out_dir, files["embedding"]), "wb") as f:
        f.write(f32(cls))
    with open(os.path.join(out_dir, files["patch_grid"]), "wb") as f:
        f.write(f32(grid))
    ref_shapes = {"cls": list(cls.shape), "patch_tokens": list(patches.shape)}
    if outputs != "dino":
        ref_shapes = {outputs: list(tokens.shape)}
    desc = {
        "name": name,
        "family": family,
        "note": note,
        "preset": preset,
        "height": h,
        "width": w,
        "trained_size": trained or size,
        "dynamic_spatial": dynamic,
        "size_required": dynamic,
        "patch_size": patch,
        "registers": registers,
        "dim": dim,
        "grid": [gh, gw],
        "opset": opset,
        "input": {"name": "pixels", "onnx_shape": declared_shape(m.graph.input[0])},
        "outputs": [
            {"name": o.name, "onnx_shape": declared_shape(o), "shape": ref_shapes[o.name]}
            for o in m.graph.output
        ],
        "picks": picks,
        "embedding_pooling": "cls",
        "tolerance": TOLERANCE,
        "import_args": args,
        "op_types": ops,
        "images": 2,
        "files": files,
    }
    if gap is not None:
        files["embedding_gap"] = name + ".embedding-gap.f32"
        desc["embedding_gap_note"] = (
            "with --embedding-pooling gap: the mean of the %d patch tokens" % (gh * gw))
        with open(os.path.join(out_dir, files["embedding_gap"]), "wb") as f:
            f.write(f32(gap))
    write_json(out_dir, name, desc)


def write_json(out_dir, name, desc):
    with open(os.path.join(out_dir, name + ".json"), "w") as f:
        json.dump(desc, f, indent=2)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=DEFAULT_OUT)
    a = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    out = a.out
    os.makedirs(out, exist_ok=True)

    vit_fixture(
        "dino_vits16", out, randomize(DinoVit(64, 16, 32, 2, 2), 1), "dino", "dino", 64, 16, 14,
        False, "dino", 1,
        note="DINO ViT exported as its users do: `cls` [N, D] and `patch_tokens` [N, h*w, D];"
        " opset 14 (decomposed LayerNorm, Erf GELU)")
    vit_fixture(
        "dino_vit8_interp", out, randomize(DinoVit(64, 8, 32, 2, 2), 2), "dino", "dino", 96, 8, 14,
        True, "dino", 2, trained=64,
        note="trained for 64x64 (8x8 grid), exported with dynamic H and W and imported at 96x96:"
        " the graph interpolates the position embeddings (Resize, bicubic) to 12x12 with scales"
        " fixed by the trace, so despite its dynamic axes it runs at 96x96 only (as real DINO"
        " exports do: another size fails in ONNX Runtime at the position-embedding Add)")
    vit_fixture(
        "dinov2_vits14", out, randomize(Dinov2Vit(56, 14, 48, 2, 2), 3), "dinov2", "dinov2", 70,
        14, 17, False, "tokens", 3, trained=56,
        note="DINOv2 ViT (LayerScale) trained for 56x56 (4x4 grid), exported at a fixed 70x70"
        " (5x5, position embeddings interpolated in the graph); one output, the normed tokens"
        " [CLS, patches]; opset 17 (LayerNormalization)")
    vit_fixture(
        "dinov2_vits14_reg4", out, randomize(Dinov2Vit(56, 14, 48, 2, 2, registers=4), 4),
        "dinov2", "dinov2", 84, 14, 17, True, "x_norm", 4, registers=4, trained=56,
        note="DINOv2 with 4 registers: `x_norm` [N, 1+4+h*w, D] ([CLS], registers, patches);"
        " dynamic H and W, imported at 84x84 (6x6); like any trace of DINOv2's code it runs at"
        " the traced size only (the Resize's scales are constants)")
    vit_fixture(
        "mae_vits16", out, randomize(MaeVit(64, 16, 32, 2, 2), 5), "mae", "mae", 64, 16, 14, False,
        "last_hidden_state", 5,
        note="MAE encoder (fixed sin-cos position embeddings): `last_hidden_state` [N, 1+h*w, D]")

    # A CNN: feature map [N, C, h, w] and its global average [N, C].
    name, size = "resnet_tiny", 64
    model = randomize(TinyResNet((8, 16, 32)), 6)
    rgb = images(size, size, 1006)
    x = normalize(rgb)
    with torch.no_grad():
        fmap, pooled = model(x)
    path = os.path.join(out, name + ".onnx")
    m = export(model, x, path, ["features", "pooled"], 14, False)
    grid = fmap.permute(0, 2, 3, 1)
    for fname, data in (("input.rgb", rgb.tobytes()), ("embedding.f32", f32(pooled)),
                        ("patch_grid.f32", f32(grid))):
        with open(os.path.join(out, name + "." + fname), "wb") as f:
            f.write(data)
    shapes = {"features": list(fmap.shape), "pooled": list(pooled.shape)}
    write_json(out, name, {
        "name": name,
        "family": "cnn",
        "note": "torchvision-style ResNet feature extractor (BatchNorm folded into Conv at export)"
        ": `features` [N, C, h, w] (stride 16) and `pooled` [N, C], its global average",
        "preset": "imagenet-cnn",
        "height": size,
        "width": size,
        "trained_size": size,
        "dynamic_spatial": False,
        "size_required": False,
        "stride": model.stride,
        "registers": 0,
        "dim": int(pooled.shape[1]),
        "grid": [size // model.stride, size // model.stride],
        "opset": 14,
        "input": {"name": "pixels", "onnx_shape": declared_shape(m.graph.input[0])},
        "outputs": [{"name": o.name, "onnx_shape": declared_shape(o), "shape": shapes[o.name]}
                    for o in m.graph.output],
        "picks": {
            "embedding": {"output": "pooled", "how": "as is"},
            "patch_grid": {"output": "features", "how": "transpose [N, C, h, w] to [N, h, w, C]"},
        },
        "embedding_pooling": "pooled output (equal to the map's global average here)",
        "tolerance": TOLERANCE,
        "import_args": ["--preset", "imagenet-cnn"],
        "op_types": sorted({n.op_type for n in m.graph.node}),
        "images": 2,
        "files": {"input": name + ".input.rgb", "embedding": name + ".embedding.f32",
                  "patch_grid": name + ".patch_grid.f32"},
    })

    # Bad inputs.
    torch.manual_seed(7)
    model = randomize(TwoPooled(), 7)
    m = export(model, torch.zeros(2, 3, 64, 64), os.path.join(out, "two_pooled.onnx"), ["a", "b"],
               14, False)
    write_json(out, "two_pooled", {
        "name": "two_pooled",
        "expect": "error",
        "why": "two [N, D] outputs (`a`, `b`) and no token or map output: the importer must say it"
        " cannot tell which is the embedding and ask for --embedding",
        "preset": "imagenet-cnn",
        "height": 64,
        "width": 64,
        "opset": 14,
        "input": {"name": "pixels", "onnx_shape": declared_shape(m.graph.input[0])},
        "outputs": [{"name": o.name, "onnx_shape": declared_shape(o), "shape": [2, 8]}
                    for o in m.graph.output],
        "import_args": ["--preset", "imagenet-cnn"],
    })
    model = randomize(NoImage(), 8)
    m = export(model, torch.zeros(2, 10), os.path.join(out, "no_image.onnx"), ["y"], 14, False)
    write_json(out, "no_image", {
        "name": "no_image",
        "expect": "error",
        "why": "its only input `pixels` is [N, 10] float: no [N, 3, H, W] image input",
        "preset": "dino",
        "opset": 14,
        "input": {"name": "pixels", "onnx_shape": declared_shape(m.graph.input[0])},
        "outputs": [{"name": o.name, "onnx_shape": declared_shape(o), "shape": [2, 8]}
                    for o in m.graph.output],
        "import_args": ["--preset", "dino"],
    })

    total = 0
    for f in sorted(os.listdir(out)):
        p = os.path.join(out, f)
        with open(p, "rb") as fh:
            data = fh.read()
        total += len(data)
        print("%-36s %8d  %s" % (f, len(data), hashlib.sha256(data).hexdigest()[:16]))
    print("%-36s %8d bytes in %s" % ("total", total, out))


if __name__ == "__main__":
    main()
