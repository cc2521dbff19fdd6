package io.edgessl.encoder;

import io.edgessl.spi.Backend;
import io.edgessl.spi.BackendProvider;

/** A test backend that ranks first but cannot run, as a GPU backend on a machine without a GPU. */
public final class BrokenBackendProvider implements BackendProvider {
  @Override
  public String name() {
    return "test-broken";
  }

  @Override
  public int rank() {
    return 1000;
  }

  @Override
  public Backend create() {
    throw new UnsupportedOperationException("no such device (install the test driver)");
  }
}
