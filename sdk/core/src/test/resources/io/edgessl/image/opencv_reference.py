#!/usr/bin/python3
"""Writes opencv-reference.json: OpenCV's preprocessing of small synthetic frames.

EdgeSSL's PreprocessorOpenCvTest compares its own preprocessing with these numbers. Each case is a
random frame in one pixel format, converted with cv2.cvtColor, turned upright with cv2.flip and
cv2.rotate, converted to float32, resized with cv2.resize (INTER_LINEAR or INTER_CUBIC), centre
cropped as torchvision's Resize(int) + CenterCrop do, and normalized as (x / 255 - mean) / std,
channels first.

Rerun (Debian: apt-get install -y python3-opencv python3-numpy), from this directory:
    /usr/bin/python3 opencv_reference.py > opencv-reference.json
The frames come from a seeded generator, so a rerun with the same OpenCV writes the same file.
Written with OpenCV 4.6.0 (Debian 12).
"""
import base64
import json
import sys

import cv2
import numpy as np

TO_RGB = {
    "RGB": None,
    "BGR": cv2.COLOR_BGR2RGB,
    "RGBA": cv2.COLOR_RGBA2RGB,
    "BGRA": cv2.COLOR_BGRA2RGB,
    "GRAY": cv2.COLOR_GRAY2RGB,
    "NV12": cv2.COLOR_YUV2RGB_NV12,
    "NV21": cv2.COLOR_YUV2RGB_NV21,
    "YUYV": cv2.COLOR_YUV2RGB_YUYV,
}
ROTATE = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
INTERP = {"BILINEAR": cv2.INTER_LINEAR, "BICUBIC": cv2.INTER_CUBIC}
IMAGENET = ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])


def frame_bytes(rng, fmt, w, h):
    """Random pixels, tightly packed, as EdgeSSL's Frame.of expects, and the array cvtColor takes.

    YUV samples stay in BT.601's limited range (Y 16..235, chroma 16..240): below Y = 16 OpenCV
    clamps Y - 16 to 0 before converting, where EdgeSSL follows the standard's formula (both then
    clamp R, G, B to 0..255), so out-of-range samples would differ by design.
    """
    if fmt in ("RGB", "BGR"):
        a = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    elif fmt in ("RGBA", "BGRA"):
        a = rng.integers(0, 256, (h, w, 4), dtype=np.uint8)
    elif fmt == "GRAY":
        a = rng.integers(0, 256, (h, w), dtype=np.uint8)
    elif fmt in ("NV12", "NV21"):
        a = rng.integers(16, 241, (h * 3 // 2, w), dtype=np.uint8)
        a[:h] = np.minimum(a[:h], 235)
    else:  # YUYV: Y U Y V
        a = rng.integers(16, 241, (h, w, 2), dtype=np.uint8)
        a[:, :, 0] = np.minimum(a[:, :, 0], 235)
    return a


def window(h, w, out_h, out_w, policy, short):
    if policy == "STRETCH":
        return out_h, out_w, 0, 0
    if h <= w:
        rh, rw = short, int(short * w / h)
    else:
        rw, rh = short, int(short * h / w)
    return rh, rw, int(round((rh - out_h) / 2.0)), int(round((rw - out_w) / 2.0))


def case(rng, fmt, w, h, color, out_h, out_w, policy, short, interp, degrees=0, mirror=False,
         norm=IMAGENET):
    raw = frame_bytes(rng, fmt, w, h)
    code = TO_RGB[fmt]
    if fmt == "GRAY" and color == "GRAY":
        img = raw[:, :, None]
    else:
        rgb = raw[:, :, :3].copy() if code is None else cv2.cvtColor(raw, code)
        if color == "RGB":
            img = rgb
        elif color == "BGR":
            img = rgb[:, :, ::-1]
        else:
            img = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)[:, :, None]
    img = np.ascontiguousarray(img)
    if mirror:
        img = cv2.flip(img, 1)
    if degrees:
        img = cv2.rotate(img, ROTATE[degrees])
    if img.ndim == 2:
        img = img[:, :, None]
    uh, uw = img.shape[:2]
    rh, rw, top, left = window(uh, uw, out_h, out_w, policy, short)
    f = img.astype(np.float32)
    r = cv2.resize(f, (rw, rh), interpolation=INTERP[interp])
    if r.ndim == 2:
        r = r[:, :, None]
    r = r[top:top + out_h, left:left + out_w, :]
    channels = r.shape[2]
    mean = np.array(norm[0][:channels], dtype=np.float32)
    std = np.array(norm[1][:channels], dtype=np.float32)
    out = ((r / np.float32(255) - mean) / std).astype(np.float32)
    out = np.ascontiguousarray(out.transpose(2, 0, 1))
    return {
        "format": fmt,
        "width": w,
        "height": h,
        "degrees": degrees,
        "mirrored": mirror,
        "color": color,
        "input_height": out_h,
        "input_width": out_w,
        "policy": policy,
        "short_side": short,
        "interpolation": interp,
        "mean": norm[0][:channels],
        "std": norm[1][:channels],
        "frame": base64.b64encode(raw.tobytes()).decode("ascii"),
        "expected": base64.b64encode(out.astype("<f4").tobytes()).decode("ascii"),
    }


def main():
    rng = np.random.default_rng(20261128)
    cases = []
    for fmt in TO_RGB:
        yuv = fmt in ("NV12", "NV21", "YUYV")
        w, h = (14, 10) if yuv else (13, 11)  # OpenCV's YUV conversions need even sizes
        for interp in INTERP:
            cases.append(case(rng, fmt, w, h, "RGB", 16, 16, "STRETCH", 0, interp))
            cases.append(case(rng, fmt, 20, 16, "RGB", 12, 12, "SHORT_SIDE_CENTER_CROP", 14, interp))
        # Same size: the colour conversion alone.
        cases.append(case(rng, fmt, 8, 6, "RGB", 6, 8, "STRETCH", 0, "BILINEAR"))
    # Orientation, as cv2.flip(1) then cv2.rotate clockwise.
    for degrees, mirror in ((90, False), (180, False), (270, False), (0, True), (90, True),
                            (270, True)):
        cases.append(case(rng, "RGB", 9, 7, "RGB", 10, 12, "STRETCH", 0, "BILINEAR", degrees, mirror))
    cases.append(case(rng, "NV12", 12, 8, "RGB", 9, 9, "SHORT_SIDE_CENTER_CROP", 11, "BICUBIC", 90))
    # Other model colours.
    cases.append(case(rng, "RGB", 11, 9, "BGR", 8, 8, "STRETCH", 0, "BICUBIC"))
    cases.append(case(rng, "NV21", 10, 8, "BGR", 8, 8, "STRETCH", 0, "BILINEAR"))
    cases.append(case(rng, "RGB", 11, 9, "GRAY", 8, 8, "STRETCH", 0, "BILINEAR", norm=([0.5], [0.5])))
    cases.append(case(rng, "BGRA", 11, 9, "GRAY", 7, 7, "STRETCH", 0, "BICUBIC", norm=([0.5], [0.5])))
    cases.append(case(rng, "GRAY", 11, 9, "GRAY", 16, 16, "STRETCH", 0, "BICUBIC", norm=([0.5], [0.5])))
    # Large factors: 4x and exactly 2x down (OpenCV switches 2x INTER_LINEAR to INTER_AREA, which
    # must agree), 5x up.
    cases.append(case(rng, "RGB", 64, 48, "RGB", 12, 16, "STRETCH", 0, "BILINEAR"))
    cases.append(case(rng, "RGB", 32, 32, "RGB", 16, 16, "STRETCH", 0, "BILINEAR"))
    cases.append(case(rng, "GRAY", 7, 5, "RGB", 25, 35, "STRETCH", 0, "BICUBIC"))
    json.dump({"opencv": cv2.__version__, "cases": cases}, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
