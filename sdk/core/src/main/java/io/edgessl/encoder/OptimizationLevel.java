package io.edgessl.encoder;

/**
 * How much a backend rewrites the graph when it opens a session (ONNX Runtime's levels); chosen
 * with {@link Encoder.Builder#optimization}, handed to backends in {@code
 * io.edgessl.spi.SessionOptions}.
 */
public enum OptimizationLevel {
  /** None: the graph runs as written (debugging). */
  NONE,
  /** Constant folding and redundant node removal. */
  BASIC,
  /** Plus fusions of common patterns (attention, LayerNorm, GELU). */
  EXTENDED,
  /** Everything, including layout changes: the default. */
  ALL
}
