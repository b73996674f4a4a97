package org.quicmesh.wire;

/**
 * Input that is not a valid frame or message. The one exception type the codec throws on bad input (a frame header
 * declaring more than allowed is the subtype {@link FrameTooLargeException}, so a receiver can count it apart).
 *
 * <p>It records no stack trace of its own: it is thrown once per bad input a peer sends, so rejecting must stay cheap,
 * and the place is always the codec boundary. The cause, when there is one, keeps its trace.
 */
public class WireFormatException extends Exception {
  public WireFormatException(String message) {
    super(message, null, false, false);
  }

  public WireFormatException(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
