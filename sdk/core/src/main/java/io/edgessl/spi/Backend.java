package io.edgessl.spi;

import io.edgessl.EdgeSslException;
import io.edgessl.bundle.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An inference engine (ONNX Runtime, TensorRT) that opens {@link InferenceSession}s. One instance
 * per JVM, shared and thread-safe; it owns whatever process-wide runtime it needs, which callers
 * never close.
 */
public interface Backend {

  /**
   * The provider's name, e.g. {@code onnxruntime}.
   *
   * @return the name
   */
  String name();

  /**
   * The precisions this backend runs, in its general order of speed, fastest first: the order
   * {@link #rank} falls back on.
   *
   * @return the precisions, fastest first
   */
  List<Precision> precisions();

  /**
   * Ranks the precision variants of one model, fastest first, for this backend on this machine:
   * what "fastest available" picks from a bundle. Which precision is fastest depends on the model
   * as well as the backend: on ONNX Runtime's CPU provider INT8 runs ViT-Tiny about twice as fast
   * as FP32, but a model as small as a 28 x 28 CNN is bound by per-operator overhead, where INT8's
   * extra quantize operators make it no faster or slower. The default ranks by {@link
   * #precisions()}; a backend may measure instead.
   *
   * @param models the variants, by precision (each one this backend runs)
   * @param spec their common input and outputs
   * @param options how they would run (threads matter to speed)
   * @throws EdgeSslException when a backend that measures cannot open or run a variant
   * @return the precisions of {@code models}, fastest first; a new list
   */
  default List<Precision> rank(
      Map<Precision, ModelSource> models, SessionSpec spec, SessionOptions options)
      throws EdgeSslException {
    List<Precision> out = new ArrayList<>();
    for (Precision p : precisions()) {
      if (models.containsKey(p)) {
        out.add(p);
      }
    }
    return out;
  }

  /**
   * Opens a session on a model, checking that its input and outputs are those of {@code spec}.
   *
   * @throws EdgeSslException {@code INVALID_MODEL} when the backend rejects the model, {@code
   *     SHAPE_MISMATCH} when an input or output is missing or has another type or shape (the
   *     message names the model, the tensor and both shapes), {@code NATIVE_FAILURE} for other
   *     failures of the runtime
   * @param model the model's bytes; read while opening, not modified
   * @param spec the input and outputs the model must have
   * @param options threads, optimization level and the largest batch
   * @return a new session, owned by the caller, who closes it
   */
  InferenceSession open(ModelSource model, SessionSpec spec, SessionOptions options)
      throws EdgeSslException;
}
