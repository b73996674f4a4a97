package org.quicmesh.identity;

/**
 * A node's advertisement, in its {@link EndpointRecord}, that it relays sessions for others: whether it accepts new
 * ones now, and how loaded it is, so nodes behind NATs can pick a relay that will take them.
 *
 * @param loadPermille 0 (idle) to 1000 (full)
 */
public record RelayService(boolean accepting, int loadPermille) {
  public static final int MAX_LOAD_PERMILLE = 1000;

  public RelayService {
    if (loadPermille < 0 || loadPermille > MAX_LOAD_PERMILLE) {
      throw new IllegalArgumentException("relay load must be 0..1000 permille, got " + loadPermille);
    }
  }
}
