package org.quicmesh.nat.stun;

/** A datagram that is not a well-formed STUN message; the reason names what was wrong, for counting. */
public final class StunFormatException extends Exception {
  /** What was wrong, as a stable counter name. */
  public enum Reason {
    TOO_SHORT("too-short"),
    TOO_LARGE("too-large"),
    NOT_STUN("not-stun"),
    BAD_LENGTH("bad-length"),
    BAD_ATTRIBUTE("bad-attribute"),
    TOO_MANY_ATTRIBUTES("too-many-attributes"),
    BAD_FINGERPRINT("bad-fingerprint");

    private final String counterName;

    Reason(String counterName) {
      this.counterName = counterName;
    }

    public String counterName() {
      return counterName;
    }
  }

  private final Reason reason;

  public StunFormatException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
