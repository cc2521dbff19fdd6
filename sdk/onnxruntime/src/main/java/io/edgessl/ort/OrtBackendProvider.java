package io.edgessl.ort;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;
import io.edgessl.spi.Backend;
import io.edgessl.spi.BackendProvider;

/** Provides the {@code onnxruntime} backend; loading ONNX Runtime waits for {@link #create()}. */
public final class OrtBackendProvider implements BackendProvider {
  /** The backend's name. */
  public static final String NAME = "onnxruntime";

  /** Public for {@link java.util.ServiceLoader}; does nothing. */
  public OrtBackendProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  /** 10: below GPU backends, so that a present GPU wins. */
  @Override
  public int rank() {
    return 10;
  }

  @Override
  public Backend create() {
    try {
      // Process-wide and shared with any other ONNX Runtime user in the JVM; errors only, since
      // EdgeSSL reports failures itself.
      OrtEnvironment env =
          OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "edgessl");
      return new OrtBackend(env);
    } catch (LinkageError | RuntimeException e) {
      throw new UnsupportedOperationException(
          "ONNX Runtime's native library does not load on "
              + System.getProperty("os.name")
              + " "
              + System.getProperty("os.arch")
              + " ("
              + e
              + "); set -Donnxruntime.native.path to a directory holding a build for it",
          e);
    }
  }
}
