package io.edgessl.ort;

import ai.onnxruntime.OrtException;
import io.edgessl.EdgeSslException;
import io.edgessl.ErrorCode;

/** Maps ONNX Runtime's error codes to EdgeSSL's, in one place, with the model named. */
final class OrtErrors {
  private OrtErrors() {}

  /** A failure while loading a model: the model is what ONNX Runtime could not take. */
  static EdgeSslException onLoad(OrtException e, String model) {
    ErrorCode code;
    switch (e.getCode()) {
      case ORT_NO_SUCHFILE:
        code = ErrorCode.FILE_NOT_FOUND;
        break;
      case ORT_EP_FAIL:
      case ORT_ENGINE_ERROR:
      case ORT_DEVICE_RESET:
        code = ErrorCode.NATIVE_FAILURE;
        break;
      default: // INVALID_PROTOBUF, INVALID_GRAPH, NO_MODEL, NOT_IMPLEMENTED (an operator), FAIL...
        code = ErrorCode.INVALID_MODEL;
    }
    return new EdgeSslException(code, "ONNX Runtime rejected " + model + ": " + message(e), e);
  }

  /** A failure while running: bad shapes are the caller's, the rest the runtime's. */
  static EdgeSslException onRun(OrtException e, String model) {
    ErrorCode code =
        e.getCode() == OrtException.OrtErrorCode.ORT_INVALID_ARGUMENT
            ? ErrorCode.SHAPE_MISMATCH
            : ErrorCode.NATIVE_FAILURE;
    return new EdgeSslException(
        code, "ONNX Runtime failed running " + model + ": " + message(e), e);
  }

  /** ONNX Runtime's message without the Java wrapper's "Error code - ORT_X - message - " prefix. */
  static String message(OrtException e) {
    String m = String.valueOf(e.getMessage());
    int i = m.indexOf(" - message - ");
    return (i >= 0 ? m.substring(i + " - message - ".length()) : m).trim()
        + " ["
        + e.getCode()
        + "]";
  }
}
