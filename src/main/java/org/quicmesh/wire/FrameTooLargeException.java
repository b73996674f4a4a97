package org.quicmesh.wire;

/** A frame header declaring more bytes than the receiver accepts; refused from the header alone. */
public final class FrameTooLargeException extends WireFormatException {
  public FrameTooLargeException(String message) {
    super(message);
  }
}
