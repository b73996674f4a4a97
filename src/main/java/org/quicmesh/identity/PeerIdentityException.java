package org.quicmesh.identity;

/** A peer's presented identity is not acceptable; the message says why. */
public final class PeerIdentityException extends Exception {
  public PeerIdentityException(String message) {
    super(message);
  }

  public PeerIdentityException(String message, Throwable cause) {
    super(message, cause);
  }
}
