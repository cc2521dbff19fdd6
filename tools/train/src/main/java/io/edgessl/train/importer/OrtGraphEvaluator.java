package io.edgessl.train.importer;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;
import io.edgessl.onnx.ElementType;
import io.edgessl.onnx.OnnxGraph;
import io.edgessl.onnx.Tensor;
import io.edgessl.onnx.canon.GraphEvaluator;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a graph once on ONNX Runtime's CPU provider (basic graph optimizations only, so that what is
 * computed is what the graph says), for import's probes and canonicalization's folding.
 */
public final class OrtGraphEvaluator implements GraphEvaluator {
  private final int threads;
  private final String what;

  /**
   * An evaluator.
   *
   * @param threads ONNX Runtime's intra-op threads, 0 for its default
   * @param what the model's name in messages (e.g. its file)
   */
  public OrtGraphEvaluator(int threads, String what) {
    this.threads = threads;
    this.what = what;
  }

  @Override
  public Map<String, Tensor> run(OnnxGraph graph, Map<String, Tensor> feeds, List<String> outputs)
      throws EdgeSslException {
    OrtEnvironment env =
        OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "edgessl");
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.BASIC_OPT);
      so.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
      if (threads > 0) {
        so.setIntraOpNumThreads(threads);
      }
      try (OrtSession s = env.createSession(graph.toBytes(), so)) {
        Map<String, OnnxTensor> in = new LinkedHashMap<>();
        try {
          for (Map.Entry<String, Tensor> e : feeds.entrySet()) {
            in.put(e.getKey(), toOrt(env, e.getValue()));
          }
          try (OrtSession.Result r = s.run(in, new java.util.LinkedHashSet<>(outputs))) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (String name : outputs) {
              Optional<OnnxValue> v = r.get(name);
              if (v.isEmpty() || !(v.get() instanceof OnnxTensor t)) {
                throw new EdgeSslException(
                    ErrorCode.INVALID_MODEL, what + ": ONNX Runtime returned no tensor " + name);
              }
              out.put(name, fromOrt(name, t));
            }
            return out;
          }
        } finally {
          in.values().forEach(OnnxTensor::close);
        }
      }
    } catch (OrtException e) {
      throw new EdgeSslException(
          ErrorCode.INVALID_MODEL,
          what + ": ONNX Runtime cannot run the model: " + e.getMessage(),
          e);
    }
  }

  private static OnnxTensor toOrt(OrtEnvironment env, Tensor t) throws OrtException {
    if (t.type() != ElementType.FLOAT) {
      throw new IllegalArgumentException("only float feeds are supported, not " + t);
    }
    return OnnxTensor.createTensor(env, java.nio.FloatBuffer.wrap(t.toFloats()), t.dims());
  }

  private Tensor fromOrt(String name, OnnxTensor t) throws EdgeSslException {
    TensorInfo info = t.getInfo();
    long[] dims = info.getShape();
    ElementType type =
        switch (info.onnxType) {
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> ElementType.FLOAT;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> ElementType.INT64;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> ElementType.INT32;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL -> ElementType.BOOL;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8 -> ElementType.INT8;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 -> ElementType.UINT8;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> ElementType.DOUBLE;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 -> ElementType.FLOAT16;
          default ->
              throw new EdgeSslException(
                  ErrorCode.INVALID_MODEL,
                  what + ": tensor " + name + " has an unsupported type " + info.onnxType);
        };
    ByteBuffer src = t.getByteBuffer().order(ByteOrder.nativeOrder());
    byte[] bytes = new byte[src.remaining()];
    ByteBuffer dst = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    switch (type.bytes()) {
      case 1 -> src.get(bytes);
      case 2 -> {
        while (src.hasRemaining()) {
          dst.putShort(src.getShort());
        }
      }
      case 4 -> {
        while (src.hasRemaining()) {
          dst.putInt(src.getInt());
        }
      }
      default -> {
        while (src.hasRemaining()) {
          dst.putLong(src.getLong());
        }
      }
    }
    return new Tensor(name, type, dims, bytes);
  }
}
