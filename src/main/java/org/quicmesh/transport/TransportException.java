package org.quicmesh.transport;

/** Why a request or stream to a peer failed. */
public final class TransportException extends RuntimeException {

  /** Failure classes the protocol layers react to differently (e.g. a timeout marks a contact stale). */
  public enum Kind {
    /** No answer within the per-request timeout. */
    TIMEOUT,
    /** The connection could not be established or was lost. */
    UNREACHABLE,
    /** The peer's verified identity is not the one we dialed. */
    IDENTITY_MISMATCH,
    /** The peer answered with an error or refused the request. */
    REJECTED,
    /** The peer sent bytes we could not decode. */
    MALFORMED,
    /** This transport is shut down. */
    CLOSED
  }

  private final Kind kind;

  public TransportException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public TransportException(Kind kind, String message, Throwable cause) {
    super(message, cause, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  @Override
  public String getMessage() {
    return kind + ": " + super.getMessage();
  }
}
