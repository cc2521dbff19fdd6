package io.edgessl.ort;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.edgessl.EdgeSslException;
import io.edgessl.spi.InferenceSession;
import io.edgessl.spi.SessionSpec;
import io.edgessl.spi.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX Runtime session with its buffers. The input and every output are direct buffers sized for
 * the largest batch; for each batch size used, ONNX Runtime tensors are created once over the
 * buffers' first {@code batch} samples and reused, so a run copies nothing: the caller writes the
 * input in place, ONNX Runtime writes the outputs in place ("pinned" outputs).
 *
 * <p>Owns the {@code OrtSession} and those tensors, and closes each exactly once, in {@link
 * #close()}. Not thread-safe.
 */
public final class OrtInferenceSession implements InferenceSession {
  private final OrtEnvironment env;
  private final OrtSession session;
  private final String model;
  private final TensorSpec inputSpec;
  private final List<TensorSpec> outputSpecs;
  private final int maxBatch;
  private final FloatBuffer input;
  private final FloatBuffer[] outputs;
  private final FloatBuffer[] outputViews;

  /** Per batch size: the input map and the pinned output map, created on first use. */
  private final Map<String, OnnxTensor>[] inputMaps;

  private final Map<String, OnnxTensor>[] outputMaps;
  private final List<OnnxTensor> owned = new ArrayList<>();
  private final boolean profiling;
  private boolean closed;

  @SuppressWarnings("unchecked")
  OrtInferenceSession(
      OrtEnvironment env,
      OrtSession session,
      String model,
      SessionSpec spec,
      int maxBatch,
      boolean profiling) {
    this.profiling = profiling;
    this.env = env;
    this.session = session;
    this.model = model;
    this.inputSpec = spec.input();
    this.outputSpecs = spec.outputs();
    this.maxBatch = maxBatch;
    this.input = direct(maxBatch, inputSpec);
    this.outputs = new FloatBuffer[outputSpecs.size()];
    this.outputViews = new FloatBuffer[outputSpecs.size()];
    for (int i = 0; i < outputs.length; i++) {
      outputs[i] = direct(maxBatch, outputSpecs.get(i));
      outputViews[i] = outputs[i].asReadOnlyBuffer();
    }
    this.inputMaps = new Map[maxBatch + 1];
    this.outputMaps = new Map[maxBatch + 1];
  }

  private static FloatBuffer direct(int batch, TensorSpec t) {
    long bytes = 4L * batch * t.size();
    if (bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "a batch of " + batch + " " + t + " needs " + bytes + " bytes: over 2 GB");
    }
    return ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  @Override
  public int maxBatch() {
    return maxBatch;
  }

  @Override
  public FloatBuffer input() {
    checkOpen();
    return input;
  }

  @Override
  public void run(int batch) throws EdgeSslException {
    checkOpen();
    if (batch < 1 || batch > maxBatch) {
      throw new IllegalArgumentException("batch must be in 1.." + maxBatch + ": " + batch);
    }
    try {
      if (inputMaps[batch] == null) {
        bind(batch);
      }
      try (OrtSession.Result r = session.run(inputMaps[batch], outputMaps[batch])) {
        // The outputs are pinned: ONNX Runtime wrote them into our buffers, and the result does
        // not own them.
      }
    } catch (OrtException e) {
      throw OrtErrors.onRun(e, model);
    }
  }

  /** Creates the tensors of one batch size over the buffers' first {@code batch} samples. */
  private void bind(int batch) throws OrtException {
    Map<String, OnnxTensor> in = new LinkedHashMap<>();
    in.put(inputSpec.name(), tensor(input, batch, inputSpec));
    Map<String, OnnxTensor> out = new LinkedHashMap<>();
    for (int i = 0; i < outputs.length; i++) {
      out.put(outputSpecs.get(i).name(), tensor(outputs[i], batch, outputSpecs.get(i)));
    }
    inputMaps[batch] = in;
    outputMaps[batch] = out;
  }

  private OnnxTensor tensor(FloatBuffer buf, int batch, TensorSpec t) throws OrtException {
    long[] per = t.shape();
    long[] shape = new long[per.length + 1];
    shape[0] = batch;
    System.arraycopy(per, 0, shape, 1, per.length);
    // A direct buffer: ONNX Runtime uses its memory as the tensor's, no copy.
    OnnxTensor tensor = OnnxTensor.createTensor(env, buf.slice(0, batch * t.size()), shape);
    owned.add(tensor);
    return tensor;
  }

  @Override
  public FloatBuffer output(int index) {
    checkOpen();
    return outputViews[index];
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("OrtInferenceSession is closed (" + model + ")");
    }
  }

  /**
   * Closes the tensors, then the session; idempotent.
   *
   * @throws IllegalStateException when ONNX Runtime reports a failure releasing the session
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (OnnxTensor t : owned) {
      t.close();
    }
    owned.clear();
    try {
      if (profiling) {
        try {
          session.endProfiling(); // writes the profile file (OrtBackend.DUMP_PROPERTY)
        } catch (OrtException e) {
          // A diagnosis aid that could not be written must not keep the session from closing.
        }
      }
      session.close();
    } catch (OrtException e) {
      // The handle is released either way; a failure here means ONNX Runtime's state is suspect.
      throw new IllegalStateException(
          "ONNX Runtime failed closing the session of " + model + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "OrtInferenceSession[" + model + ", max batch " + maxBatch + "]";
  }
}
