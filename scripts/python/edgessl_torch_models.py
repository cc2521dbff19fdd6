"""PyTorch models shaped like the public self-supervised encoders, for import fixtures and benchmarks.

Written here for EdgeSSL's tests (not copied): each class follows the structure, parameter names
and forward pass of the model family it stands for, so that `torch.onnx.export` emits the same
operator patterns as an export of the real checkpoint does.

- DinoVit: DINO's vision_transformer.py (Caron et al. 2021, facebookresearch/dino): Conv patch
  embedding, [CLS], learned position embeddings interpolated bicubically (the +0.1 offset) when the
  input is not the trained size, pre-norm blocks with explicit q k^T attention, exact (erf) GELU,
  final LayerNorm (eps 1e-6).
- Dinov2Vit: DINOv2's (Oquab et al. 2023; Darcet et al. 2024 for registers): the same blocks with
  LayerScale, optional register tokens after [CLS], position embeddings for [CLS] and patches only,
  bicubic interpolation with DINOv2's scale-factor offset.
- MaeVit: MAE's encoder at inference (He et al. 2022): timm-style ViT with fixed 2-D sin-cos
  position embeddings, no masking.
- TinyResNet: a torchvision-style ResNet (basic blocks, batch norm folded at export by eval mode)
  returning its last feature map [N, C, h, w] and the globally pooled vector.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.scale = (dim // heads) ** -0.5
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = (q @ k.transpose(-2, -1)) * self.scale
        attn = attn.softmax(dim=-1)
        x = (attn @ v).transpose(1, 2).reshape(b, n, c)
        return self.proj(x)


class LayerScale(nn.Module):
    def __init__(self, dim, init=1e-5):
        super().__init__()
        self.gamma = nn.Parameter(init * torch.ones(dim))

    def forward(self, x):
        return x * self.gamma


class Block(nn.Module):
    def __init__(self, dim, heads, mlp_ratio=4, layer_scale=None):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, heads)
        self.ls1 = LayerScale(dim, layer_scale) if layer_scale else nn.Identity()
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = Mlp(dim, dim * mlp_ratio)
        self.ls2 = LayerScale(dim, layer_scale) if layer_scale else nn.Identity()

    def forward(self, x):
        x = x + self.ls1(self.attn(self.norm1(x)))
        return x + self.ls2(self.mlp(self.norm2(x)))


class PatchEmbed(nn.Module):
    def __init__(self, patch, chans, dim):
        super().__init__()
        self.proj = nn.Conv2d(chans, dim, kernel_size=patch, stride=patch)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class DinoVit(nn.Module):
    """DINO's VisionTransformer; forward returns ([CLS] after the norm, patch tokens after it)."""

    def __init__(self, img_size=224, patch=16, dim=384, depth=12, heads=6, chans=3):
        super().__init__()
        self.patch = patch
        self.patch_embed = PatchEmbed(patch, chans, dim)
        n = (img_size // patch) ** 2
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, n + 1, dim))
        self.blocks = nn.ModuleList([Block(dim, heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=1e-6)

    def interpolate_pos_encoding(self, x, w, h):
        npatch = x.shape[1] - 1
        n = self.pos_embed.shape[1] - 1
        if npatch == n and w == h:
            return self.pos_embed
        class_pos_embed = self.pos_embed[:, 0]
        patch_pos_embed = self.pos_embed[:, 1:]
        dim = x.shape[-1]
        w0 = w // self.patch
        h0 = h // self.patch
        w0, h0 = w0 + 0.1, h0 + 0.1
        m = int(math.sqrt(n))
        patch_pos_embed = F.interpolate(
            patch_pos_embed.reshape(1, m, m, dim).permute(0, 3, 1, 2),
            # float(): under torch.onnx.export's trace w0 and h0 are tensors, which interpolate
            # refuses as scale factors (the fix DINO's exporters apply; DINOv2 does the same). The
            # scales become constants of the traced size, so the graph's Resize makes the traced
            # grid whatever the input size: a dynamic-H/W export runs at that size only.
            scale_factor=(float(w0 / m), float(h0 / m)),
            mode="bicubic",
        )
        patch_pos_embed = patch_pos_embed.permute(0, 2, 3, 1).view(1, -1, dim)
        return torch.cat((class_pos_embed.unsqueeze(0), patch_pos_embed), dim=1)

    def forward(self, x):
        b, _, w, h = x.shape
        x = self.patch_embed(x)
        x = torch.cat((self.cls_token.expand(b, -1, -1), x), dim=1)
        x = x + self.interpolate_pos_encoding(x, w, h)
        for blk in self.blocks:
            x = blk(x)
        x = self.norm(x)
        return x[:, 0], x[:, 1:]


class Dinov2Vit(nn.Module):
    """DINOv2's DinoVisionTransformer; forward returns the normed tokens [CLS, registers, patches]."""

    def __init__(
        self, img_size=518, patch=14, dim=384, depth=12, heads=6, registers=0, chans=3,
        interpolate_offset=0.1,
    ):
        super().__init__()
        self.patch = patch
        self.patch_embed = PatchEmbed(patch, chans, dim)
        n = (img_size // patch) ** 2
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, n + 1, dim))
        self.register_tokens = nn.Parameter(torch.zeros(1, registers, dim)) if registers else None
        self.blocks = nn.ModuleList([Block(dim, heads, layer_scale=1e-5) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.interpolate_offset = interpolate_offset

    def interpolate_pos_encoding(self, x, w, h):
        npatch = x.shape[1] - 1
        n = self.pos_embed.shape[1] - 1
        if npatch == n and w == h:
            return self.pos_embed
        class_pos_embed = self.pos_embed[:, 0]
        patch_pos_embed = self.pos_embed[:, 1:]
        dim = x.shape[-1]
        w0 = w // self.patch
        h0 = h // self.patch
        m = int(math.sqrt(n))
        sx = float(w0 + self.interpolate_offset) / m
        sy = float(h0 + self.interpolate_offset) / m
        patch_pos_embed = F.interpolate(
            patch_pos_embed.reshape(1, m, m, dim).permute(0, 3, 1, 2),
            scale_factor=(sx, sy),
            mode="bicubic",
        )
        patch_pos_embed = patch_pos_embed.permute(0, 2, 3, 1).view(1, -1, dim)
        return torch.cat((class_pos_embed.unsqueeze(0), patch_pos_embed), dim=1)

    def forward(self, x):
        b, _, w, h = x.shape
        x = self.patch_embed(x)
        x = torch.cat((self.cls_token.expand(b, -1, -1), x), dim=1)
        x = x + self.interpolate_pos_encoding(x, w, h)
        if self.register_tokens is not None:
            x = torch.cat((x[:, :1], self.register_tokens.expand(b, -1, -1), x[:, 1:]), dim=1)
        for blk in self.blocks:
            x = blk(x)
        return self.norm(x)


def sincos_pos_embed(dim, grid):
    """MAE's fixed 2-D sin-cos position embeddings with a zero row for [CLS]: [1, 1 + grid^2, dim]."""
    gh, gw = torch.meshgrid(
        torch.arange(grid, dtype=torch.float64), torch.arange(grid, dtype=torch.float64), indexing="xy"
    )

    def one(d, pos):
        omega = 1.0 / 10000 ** (torch.arange(d // 2, dtype=torch.float64) / (d / 2.0))
        out = pos.reshape(-1)[:, None] * omega[None, :]
        return torch.cat([torch.sin(out), torch.cos(out)], dim=1)

    emb = torch.cat([one(dim // 2, gh), one(dim // 2, gw)], dim=1)
    emb = torch.cat([torch.zeros(1, dim, dtype=torch.float64), emb], dim=0)
    return emb.float().unsqueeze(0)


class MaeVit(nn.Module):
    """MAE's encoder without masking; forward returns the normed tokens [CLS, patches]."""

    def __init__(self, img_size=224, patch=16, dim=384, depth=12, heads=6, chans=3):
        super().__init__()
        self.patch_embed = PatchEmbed(patch, chans, dim)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.register_buffer("pos_embed", sincos_pos_embed(dim, img_size // patch))
        self.blocks = nn.ModuleList([Block(dim, heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=1e-6)

    def forward(self, x):
        x = self.patch_embed(x) + self.pos_embed[:, 1:, :]
        cls = self.cls_token + self.pos_embed[:, :1, :]
        x = torch.cat((cls.expand(x.shape[0], -1, -1), x), dim=1)
        for blk in self.blocks:
            x = blk(x)
        return self.norm(x)


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


class TinyResNet(nn.Module):
    """A torchvision-style ResNet feature extractor: stem (stride 4), stages of basic blocks.

    forward returns (the last feature map [N, C, H/stride, W/stride], its global average [N, C]).
    """

    def __init__(self, widths=(16, 32, 64), chans=3):
        super().__init__()
        self.conv1 = nn.Conv2d(chans, widths[0], 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0])
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        layers, cin = [], widths[0]
        for i, w in enumerate(widths):
            layers.append(BasicBlock(cin, w, 1 if i == 0 else 2))
            cin = w
        self.layers = nn.Sequential(*layers)
        self.stride = 4 * 2 ** (len(widths) - 1)

    def forward(self, x):
        x = self.maxpool(F.relu(self.bn1(self.conv1(x))))
        x = self.layers(x)
        return x, x.mean(dim=(2, 3))


def randomize(model, seed):
    """Seeded non-trivial weights (LayerScale and norms away from their init), eval mode.

    Norm weights are found by module type (a BatchNorm inside nn.Sequential has no "bn" in its
    name); [CLS], register tokens and learned position embeddings get unit-scale values, as large as
    the patch embeddings they are added to, so that a wrong interpolation or token order shows.
    """
    g = torch.Generator().manual_seed(seed)
    norms = set()
    for mname, mod in model.named_modules():
        if isinstance(mod, (nn.LayerNorm, nn.BatchNorm2d)):
            norms.add((mname + "." if mname else "") + "weight")
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name in norms:
                p.copy_(1 + 0.2 * torch.randn(p.shape, generator=g))
            elif name.endswith("gamma"):
                p.copy_(0.5 + 0.2 * torch.randn(p.shape, generator=g))
            elif name.split(".")[-1] in ("cls_token", "pos_embed", "register_tokens"):
                p.copy_(0.5 * torch.randn(p.shape, generator=g))
            else:
                fan_in = p[0].numel() if p.dim() > 1 else p.numel()
                p.copy_(torch.randn(p.shape, generator=g) / math.sqrt(max(fan_in, 1)))
        for name, b in model.named_buffers():
            if name.endswith("running_mean"):
                b.copy_(0.1 * torch.randn(b.shape, generator=g))
            elif name.endswith("running_var"):
                b.copy_(1 + 0.2 * torch.rand(b.shape, generator=g))
    return model.eval()
