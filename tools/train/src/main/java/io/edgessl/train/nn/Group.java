package io.edgessl.train.nn;

/**
 * A layer that only names its children ({@code blocks.0}, {@code patch_embed.proj}): the containers
 * of {@code torch.nn.ModuleList} and {@code Sequential}, without a forward of its own.
 */
public final class Group extends Layer {
  /** Adds {@code layer} under {@code name} and returns it. */
  public <L extends Layer> L add(String name, L layer) {
    return child(name, layer);
  }

  /** Adds a trainable parameter under {@code name} and returns it. */
  public org.bytedeco.pytorch.Tensor addParam(String name, org.bytedeco.pytorch.Tensor t) {
    return param(name, t);
  }

  /** Adds a buffer under {@code name} and returns it. */
  public org.bytedeco.pytorch.Tensor addBuffer(String name, org.bytedeco.pytorch.Tensor t) {
    return buffer(name, t);
  }
}
