package org.quicmesh.wire;

/** Input that is not a valid frame or message. The one exception type the codec throws on bad input. */
public final class WireFormatException extends Exception {
  public WireFormatException(String message) {
    super(message);
  }

  public WireFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
