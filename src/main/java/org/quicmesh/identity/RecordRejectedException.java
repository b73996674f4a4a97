package org.quicmesh.identity;

/** An endpoint record failed verification or decoding; {@link #reason()} says which check. */
public final class RecordRejectedException extends Exception {
  /** Why a record was rejected, one value per check (callers count them). */
  public enum Reason {
    /** The signature does not verify under the record's key: forged or tampered. */
    BAD_SIGNATURE,
    /** The record's expiry is not after the verification time. */
    EXPIRED,
    /** The record's key does not hash to the NodeId it was expected to belong to. */
    WRONG_KEY,
    /** The sequence number is not above the last one accepted for this node. */
    REPLAYED,
    /** Not a well-formed record: sizes, counts, lengths or address syntax. */
    MALFORMED
  }

  private final Reason reason;

  public RecordRejectedException(Reason reason, String message) {
    super(reason + ": " + message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
