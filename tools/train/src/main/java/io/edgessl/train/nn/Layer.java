package io.edgessl.train.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.bytedeco.pytorch.Tensor;

/**
 * A named tree of parameters, buffers and child layers: the part of {@code torch.nn.Module} that
 * training, checkpoints and export need, with nothing hidden. Every weight is reachable by its
 * dotted name ({@code blocks.3.attn.qkv.weight}), in the order the layers declared them, so a
 * checkpoint, an optimizer state and a later ONNX export all walk the same list.
 *
 * <p>Tensors are created when the layer is built and live as long as it does; build layers outside
 * any {@link org.bytedeco.javacpp.PointerScope}, which would free them when it closes. Forward
 * passes create temporaries: run them inside a scope (the trainer opens one per step).
 */
public abstract class Layer {
  private final Map<String, Tensor> params = new LinkedHashMap<>();
  private final Map<String, Tensor> buffers = new LinkedHashMap<>();
  private final Map<String, Layer> children = new LinkedHashMap<>();
  private boolean training = true;

  /** Registers a trainable parameter (gradients on). */
  protected final Tensor param(String name, Tensor t) {
    checkName(name);
    t.set_requires_grad(true);
    params.put(name, t);
    return t;
  }

  /** Registers a buffer: state saved with the layer but not trained (running statistics). */
  protected final Tensor buffer(String name, Tensor t) {
    checkName(name);
    buffers.put(name, t);
    return t;
  }

  /** Registers a child layer. */
  protected final <L extends Layer> L child(String name, L layer) {
    checkName(name);
    children.put(name, Objects.requireNonNull(layer, "layer"));
    return layer;
  }

  private void checkName(String name) {
    if (name.isEmpty() || name.contains(".")) {
      throw new IllegalArgumentException("bad layer member name: '" + name + "'");
    }
    if (params.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
      throw new IllegalArgumentException("duplicate layer member name: '" + name + "'");
    }
  }

  /** Every parameter of this layer and its children, by dotted name, in declaration order. */
  public final Map<String, Tensor> parameters() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    collect("", out, true);
    return out;
  }

  /** Every buffer of this layer and its children, by dotted name. */
  public final Map<String, Tensor> buffers() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    collect("", out, false);
    return out;
  }

  /** Parameters then buffers: everything a checkpoint must hold to restore the layer. */
  public final Map<String, Tensor> state() {
    Map<String, Tensor> out = parameters();
    out.putAll(buffers());
    return out;
  }

  private void collect(String prefix, Map<String, Tensor> out, boolean wantParams) {
    for (Map.Entry<String, Tensor> e : (wantParams ? params : buffers).entrySet()) {
      out.put(prefix + e.getKey(), e.getValue());
    }
    for (Map.Entry<String, Layer> c : children.entrySet()) {
      c.getValue().collect(prefix + c.getKey() + ".", out, wantParams);
    }
  }

  /** Number of trainable scalars. */
  public final long parameterCount() {
    long n = 0;
    for (Tensor t : parameters().values()) {
      n += t.numel();
    }
    return n;
  }

  /**
   * Training mode (batch statistics in batch norm, stochastic depth on) or evaluation mode, for
   * this layer and all its children.
   */
  public final void train(boolean on) {
    training = on;
    for (Layer c : children.values()) {
      c.train(on);
    }
  }

  /** Whether the layer is in training mode. */
  public final boolean isTraining() {
    return training;
  }
}
