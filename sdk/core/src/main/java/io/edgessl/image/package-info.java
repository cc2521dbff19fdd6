/**
 * Frames over caller-owned pixels and the preprocessing that turns them into a model's input.
 *
 * <p>A {@link io.edgessl.image.Frame} describes pixels in one of the common camera and file formats
 * ({@link io.edgessl.image.PixelFormat}: RGB, BGR, RGBA, BGRA, GRAY, NV12, NV21, YUYV) with
 * strides, plane offsets and an {@link io.edgessl.image.Orientation}. A {@link
 * io.edgessl.image.Preprocessor} applies a model's {@link io.edgessl.image.Preprocessing}:
 * orientation, colour conversion (BT.601, {@link io.edgessl.image.YuvRange} limited or full range),
 * resize (bilinear or bicubic with half-pixel centres, as OpenCV and PyTorch), centre crop and
 * normalization, in one pass into a float buffer.
 *
 * {@snippet :
 * Preprocessor pre = new Preprocessor(bundle.manifest().preprocessing());
 * FloatBuffer input = ByteBuffer.allocateDirect(4 * pre.outputSize())
 *     .order(ByteOrder.nativeOrder()).asFloatBuffer();
 * pre.run(Frame.of(nv12, PixelFormat.NV12, 1280, 720), input, 0);
 * }
 *
 * <p>Conventions, precisely: components are converted to floats in [0, 255] without rounding; YUV
 * is converted per sampled pixel (before interpolation) and clamped, so results equal those of
 * converting the whole frame to RGB first and resizing in floating point; grey is {@code 0.299 R +
 * 0.587 G + 0.114 B}. The per-pixel loop is {@link io.edgessl.spi.ImageKernels#preprocess}, which
 * native kernels may replace.
 */
package io.edgessl.image;
