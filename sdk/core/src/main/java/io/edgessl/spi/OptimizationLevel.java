package io.edgessl.spi;

/** How much a backend rewrites the graph when it opens a session (ONNX Runtime's levels). */
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
