package org.quicmesh.identity;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

/**
 * Ed25519 public keys decoded once. Decoding a key (a point decompression, a square root on the curve) cost two
 * fifths of a gossip signature check as it was done, twice per message; the same origins sign message after message,
 * so decoded keys are kept, the {@link #CAPACITY} most recently used, shared by every node of the process (decoding is
 * a pure function of the key's bytes). Keys that do not decode are not kept.
 */
final class VerifyingKeys {
  /** About 300 bytes a key: at most about 1.2 MB per process. */
  static final int CAPACITY = 4096;

  private static final Map<ByteBuffer, Ed25519PublicKeyParameters> KEYS =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Ed25519PublicKeyParameters> eldest) {
          return size() > CAPACITY;
        }
      };

  private VerifyingKeys() {}

  /** The decoded key, or null when {@code raw} is not a 32-byte encoding of a curve point. */
  static Ed25519PublicKeyParameters of(byte[] raw) {
    if (raw == null || raw.length != Ed25519PublicKeyParameters.KEY_SIZE) {
      return null;
    }
    synchronized (KEYS) {
      Ed25519PublicKeyParameters known = KEYS.get(ByteBuffer.wrap(raw));
      if (known != null) {
        return known;
      }
    }
    Ed25519PublicKeyParameters decoded;
    try {
      decoded = new Ed25519PublicKeyParameters(raw, 0);
    } catch (RuntimeException e) {
      return null; // not a curve point
    }
    synchronized (KEYS) {
      KEYS.put(ByteBuffer.wrap(raw.clone()), decoded);
    }
    return decoded;
  }

  static int size() {
    synchronized (KEYS) {
      return KEYS.size();
    }
  }
}
