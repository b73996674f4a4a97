package org.quicmesh.identity;

import org.bouncycastle.crypto.digests.Blake3Digest;

/** BLAKE3 with the default 32-byte output: the one hash behind node ids and content keys. */
final class Blake3 {
  static final int LENGTH = 32;

  private Blake3() {}

  /** BLAKE3 of the concatenation of the parts (no length framing: callers use fixed-size or prefixed parts). */
  static byte[] hash(byte[]... parts) {
    Blake3Digest digest = new Blake3Digest(LENGTH * 8);
    for (byte[] part : parts) {
      digest.update(part, 0, part.length);
    }
    byte[] out = new byte[LENGTH];
    digest.doFinal(out, 0);
    return out;
  }
}
