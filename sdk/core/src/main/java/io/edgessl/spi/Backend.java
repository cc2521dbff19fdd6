package io.edgessl.spi;

import io.edgessl.EdgeSslException;
import io.edgessl.bundle.Precision;
import java.util.List;

/**
 * An inference engine (ONNX Runtime, TensorRT) that opens {@link InferenceSession}s. One instance
 * per JVM, shared and thread-safe; it owns whatever process-wide runtime it needs, which callers
 * never close.
 */
public interface Backend {

  /** The provider's name, e.g. {@code onnxruntime}. */
  String name();

  /**
   * The precisions this backend runs, fastest first: what "fastest available" picks from a bundle.
   */
  List<Precision> precisions();

  /**
   * Opens a session on a model, checking that its input and outputs are those of {@code spec}.
   *
   * @throws EdgeSslException {@code INVALID_MODEL} when the backend rejects the model, {@code
   *     SHAPE_MISMATCH} when an input or output is missing or has another type or shape (the
   *     message names the model, the tensor and both shapes), {@code NATIVE_FAILURE} for other
   *     failures of the runtime
   */
  InferenceSession open(ModelSource model, SessionSpec spec, SessionOptions options)
      throws EdgeSslException;
}
