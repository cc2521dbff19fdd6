/**
 * The ONNX Runtime backend ({@code com.microsoft.onnxruntime:onnxruntime}, CPU execution provider).
 *
 * <p>ONNX Runtime's Java binding loads its native libraries on first use: from the directory named
 * by the system property {@code onnxruntime.native.path} when set, else from the library path when
 * {@code onnxruntime.native.onnxruntime.path} names a file, else by extracting the copies bundled
 * in its jar (Linux x64 and aarch64, macOS aarch64, Windows x64) to a temporary directory. When
 * none loads, the backend reports itself unavailable with the loader's message, and {@code
 * io.edgessl.encoder.Backends} moves on to another backend.
 *
 * <p>Ownership: the process-wide {@code OrtEnvironment} belongs to ONNX Runtime and is never closed
 * by EdgeSSL; each {@link io.edgessl.ort.OrtInferenceSession} owns its {@code OrtSession} and the
 * tensors over its input and output buffers, and closes each exactly once.
 */
package io.edgessl.ort;
