#!/usr/bin/python3
"""Training throughput of one training step in PyTorch's Python API: the baseline of `edgessl bench train`.

Builds the same model, method and batch as the Java loop (io.edgessl.train): a ViT as DINO's
vision_transformer.py (pre-LN blocks, [CLS], learned positions resized bicubically for local crops,
explicit matmul/softmax attention) or the small ResNet of basic blocks; DINO's head (3-layer GELU
MLP, L2 norm, weight-normalized prototypes with the scale fixed to 1); DINO's loss with centring;
per-tensor gradient clipping; AdamW with DINO's two parameter groups; the teacher's EMA. Or MoCo v3
(--method mocov3): 3-layer projector and 2-layer predictor with batch norm and no biases, a
momentum encoder, the symmetric contrastive loss. One step is forward, backward, clipping, AdamW
and the EMA, on a fixed batch of random views (their values do not change the work). Prints images
per second, median of --runs runs of --steps steps.

Usage (the same options as the Java side):
  python3 scripts/bench_train.py --threads 1 --arch vit --dim 192 --heads 3 --depth 6 --patch 4 \
      --batch 128 --local-crops 6 --local-size 12 --out-dim 4096 --head-hidden 1024 \
      --head-bottleneck 256
"""
import argparse
import math
import os
import statistics
import sys
import time


def parse():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--method", choices=["dino", "mocov3"], default="dino")
    p.add_argument("--proj-hidden", type=int, default=4096)
    p.add_argument("--proj-dim", type=int, default=256)
    p.add_argument("--pred-hidden", type=int, default=4096)
    p.add_argument("--temperature", type=float, default=0.2)
    p.add_argument("--clip-grad", type=float, default=3.0)
    p.add_argument("--arch", choices=["vit", "resnet"], default="vit")
    p.add_argument("--image-size", type=int, default=28)
    p.add_argument("--channels", type=int, default=1)
    p.add_argument("--patch", type=int, default=4)
    p.add_argument("--dim", type=int, default=192)
    p.add_argument("--heads", type=int, default=3)
    p.add_argument("--depth", type=int, default=12)
    p.add_argument("--widths", default="32,64,128")
    p.add_argument("--blocks", default="1,1,1")
    p.add_argument("--channels-last", choices=["true", "false"], default="true")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--local-crops", type=int, default=8)
    p.add_argument("--local-size", type=int, default=12)
    p.add_argument("--out-dim", type=int, default=65536)
    p.add_argument("--head-hidden", type=int, default=2048)
    p.add_argument("--head-bottleneck", type=int, default=256)
    p.add_argument("--drop-path", type=float, default=0.0)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--warmup", type=int, default=3)
    return p.parse_args()


args = parse()
# OpenBLAS / OpenMP read these when torch is imported.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(args.threads)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(args.threads)
torch.set_num_interop_threads(1)
torch.manual_seed(0)


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.scale = (dim // heads) ** -0.5
        self.qkv = nn.Linear(dim, dim * 3, bias=True)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = ((q * self.scale) @ k.transpose(-2, -1)).softmax(dim=-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(b, n, c))


class Block(nn.Module):
    def __init__(self, dim, heads, drop_path):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = nn.Sequential()
        self.mlp.fc1 = nn.Linear(dim, 4 * dim)
        self.mlp.act = nn.GELU()
        self.mlp.fc2 = nn.Linear(4 * dim, dim)
        self.drop_path = drop_path

    def dp(self, x):
        if not self.training or self.drop_path == 0:
            return x
        keep = (torch.rand(x.shape[0], 1, 1) >= self.drop_path).to(x.dtype)
        return x * keep / (1 - self.drop_path)

    def forward(self, x):
        x = x + self.dp(self.attn(self.norm1(x)))
        return x + self.dp(self.mlp(self.norm2(x)))


class ViT(nn.Module):
    def __init__(self, a, drop_path):
        super().__init__()
        self.grid = a.image_size // a.patch
        self.dim = a.dim
        self.patch_embed = nn.Conv2d(a.channels, a.dim, a.patch, a.patch)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, a.dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, 1 + self.grid * self.grid, a.dim))
        nn.init.trunc_normal_(self.cls_token, std=0.02)
        nn.init.trunc_normal_(self.pos_embed, std=0.02)
        rates = [drop_path * i / max(1, a.depth - 1) for i in range(a.depth)]
        self.blocks = nn.ModuleList([Block(a.dim, a.heads, r) for r in rates])
        self.norm = nn.LayerNorm(a.dim, eps=1e-6)
        self.embed_dim = a.dim

    def pos(self, gh, gw):
        if gh == self.grid and gw == self.grid:
            return self.pos_embed
        p = self.pos_embed[:, 1:].reshape(1, self.grid, self.grid, self.dim).permute(0, 3, 1, 2)
        p = F.interpolate(p, size=(gh, gw), mode="bicubic", align_corners=False)
        return torch.cat([self.pos_embed[:, :1], p.permute(0, 2, 3, 1).reshape(1, gh * gw, self.dim)], 1)

    def forward(self, x):
        b = x.shape[0]
        x = self.patch_embed(x)
        gh, gw = x.shape[2], x.shape[3]
        x = x.flatten(2).transpose(1, 2)
        pos = self.pos(gh, gw)
        x = torch.cat([(self.cls_token + pos[:, :1]).expand(b, -1, -1), x + pos[:, 1:]], 1)
        for blk in self.blocks:
            x = blk(x)
        return self.norm(x)[:, 0]


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (x if self.down is None else self.down(x)))


class ResNet(nn.Module):
    def __init__(self, a):
        super().__init__()
        w = [int(v) for v in a.widths.split(",")]
        n = [int(v) for v in a.blocks.split(",")]
        self.conv1 = nn.Conv2d(a.channels, w[0], 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(w[0])
        layers, cin = [], w[0]
        for s, (width, count) in enumerate(zip(w, n)):
            for i in range(count):
                layers.append(BasicBlock(cin, width, 2 if s > 0 and i == 0 else 1))
                cin = width
        self.layers = nn.Sequential(*layers)
        self.embed_dim = w[-1]
        self.channels_last = a.channels_last == "true"

    def forward(self, x):
        if self.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        x = F.relu(self.bn1(self.conv1(x)))
        return self.layers(x).mean(dim=(2, 3))


class DINOHead(nn.Module):
    def __init__(self, cin, out_dim, hidden, bottleneck):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(cin, hidden), nn.GELU(), nn.Linear(hidden, hidden), nn.GELU(),
                                 nn.Linear(hidden, bottleneck))
        self.last_layer = nn.utils.weight_norm(nn.Linear(bottleneck, out_dim, bias=False))
        self.last_layer.weight_g.data.fill_(1)
        self.last_layer.weight_g.requires_grad = False

    def forward(self, x):
        return self.last_layer(F.normalize(self.mlp(x), dim=-1, p=2))


def mlp(layers, cin, hidden, out, last_bn):
    """MoCo v3's _build_mlp."""
    mods = []
    for i in range(layers):
        d1 = cin if i == 0 else hidden
        d2 = out if i == layers - 1 else hidden
        mods.append(nn.Linear(d1, d2, bias=False))
        if i < layers - 1:
            mods += [nn.BatchNorm1d(d2), nn.ReLU(inplace=True)]
        elif last_bn:
            mods.append(nn.BatchNorm1d(d2, affine=False))
    return nn.Sequential(*mods)


def build(drop_path):
    backbone = ViT(args, drop_path) if args.arch == "vit" else ResNet(args)
    m = nn.Module()
    m.backbone = backbone
    if args.method == "dino":
        m.head = DINOHead(backbone.embed_dim, args.out_dim, args.head_hidden, args.head_bottleneck)
    else:
        m.head = mlp(3, backbone.embed_dim, args.proj_hidden, args.proj_dim, True)
    if args.arch == "resnet" and args.channels_last == "true":
        m = m.to(memory_format=torch.channels_last)
    return m


def run(m, views):
    return m.head(m.backbone(views))


student = build(args.drop_path)
teacher = build(0.0)
teacher.load_state_dict(student.state_dict())
for p in teacher.parameters():
    p.requires_grad = False
center = torch.zeros(1, args.out_dim)
if args.method == "mocov3":
    student.predictor = mlp(2, args.proj_dim, args.pred_hidden, args.proj_dim, False)

regularized = [p for n, p in student.named_parameters() if p.requires_grad and not (n.endswith(".bias") or p.ndim == 1)]
not_regularized = [p for n, p in student.named_parameters() if p.requires_grad and (n.endswith(".bias") or p.ndim == 1)]
opt = torch.optim.AdamW([{"params": regularized}, {"params": not_regularized, "weight_decay": 0.0}],
                        lr=1e-4, weight_decay=0.04, foreach=False)

b, c, s, ls = args.batch, args.channels, args.image_size, args.local_size
globals_ = torch.randn(2 * b, c, s, s)
locals_ = torch.randn(args.local_crops * b, c, ls, ls) if args.local_crops > 0 and args.method == "dino" else None
views = [torch.randn(b, c, s, s), torch.randn(b, c, s, s)]


def contrastive(q, k):
    q = F.normalize(q, dim=1)
    k = F.normalize(k, dim=1)
    logits = q @ k.t() / args.temperature
    return F.cross_entropy(logits, torch.arange(q.shape[0])) * 2 * args.temperature


def finish(loss, momentum):
    opt.zero_grad(set_to_none=True)
    loss.backward()
    if args.clip_grad > 0:
        for p in student.parameters():  # DINO's clip_gradients
            if p.grad is not None:
                norm = p.grad.data.norm(2)
                coef = args.clip_grad / (norm + 1e-6)
                if coef < 1:
                    p.grad.data.mul_(coef)
    opt.step()
    with torch.no_grad():
        for (n, ps), pt in zip(student.named_parameters(), teacher.parameters()):
            pt.data.mul_(momentum).add_((1 - momentum) * ps.detach().data)
    return loss.item()


def step_mocov3():
    q1 = student.predictor(run(student, views[0]))
    q2 = student.predictor(run(student, views[1]))
    with torch.no_grad():
        k1 = run(teacher, views[0])
        k2 = run(teacher, views[1])
    return finish(contrastive(q1, k2) + contrastive(q2, k1), 0.99)


def step():
    if args.method == "mocov3":
        return step_mocov3()
    return step_dino()


def step_dino():
    global center
    with torch.no_grad():
        t_out = run(teacher, globals_)
    s_out = [run(student, globals_)]
    if locals_ is not None:
        s_out.append(run(student, locals_))
    s_out = torch.cat(s_out) / 0.1
    t_prob = F.softmax((t_out - center) / 0.04, dim=-1).chunk(2)
    s_chunks = s_out.chunk(2 + args.local_crops)
    total, terms = 0, 0
    for iq, q in enumerate(t_prob):
        for v, sv in enumerate(s_chunks):
            if v == iq:
                continue
            total = total + torch.sum(-q * F.log_softmax(sv, dim=-1), dim=-1).mean()
            terms += 1
    loss = total / terms
    with torch.no_grad():
        center = center * 0.9 + t_out.mean(dim=0, keepdim=True) * 0.1
    return finish(loss, 0.996)


for _ in range(args.warmup):
    step()
times = []
for _ in range(args.runs):
    t = time.perf_counter()
    for _ in range(args.steps):
        step()
    times.append((time.perf_counter() - t) / args.steps)
per_step = statistics.median(times)
n_params = sum(p.numel() for p in student.backbone.parameters())
print(f"PyTorch {torch.__version__} (Python {sys.version.split()[0]}), {args.threads} threads")
if args.method == "dino":
    print(f"  method    dino, batch {b}, {2 + args.local_crops} views per image (2 x {s}, {args.local_crops} x {ls})")
else:
    print(f"  method    mocov3, batch {b}, 2 views per image ({s})")
print(f"  encoder   {args.arch}, {n_params:,} parameters")
print(f"  step      {1e3 * per_step:.1f} ms median of {args.runs} runs x {args.steps} steps "
      f"(min {1e3 * min(times):.1f}, max {1e3 * max(times):.1f})")
print(f"  training  {b / per_step:.1f} images/s")
