package org.quicmesh.identity;

/** Deterministic identities for tests, so runs repeat exactly. */
public final class TestKeys {
  private TestKeys() {}

  /** The n-th fixed keypair (its secret is the byte n, 32 times). */
  public static Keypair fixed(int n) {
    byte[] secret = new byte[32];
    java.util.Arrays.fill(secret, (byte) n);
    return Keypair.fromSecret(secret);
  }
}
