package org.quicmesh.wire;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;

/** A request was refused for {@code reason}; {@code detail} is free text for logs (bounded, may be empty). */
public record Rejected(Reason reason, String detail) implements Response {
  public Rejected {
    Checks.nonNull(reason, "reason");
    Checks.text(detail, Limits.MAX_DETAIL_CHARS, "detail");
  }

  /** Why a request was refused. New reasons may be added; an older peer reads a reason it does not know as OTHER. */
  public enum Reason {
    VALUE_TOO_LARGE,
    QUOTA_EXCEEDED,
    RATE_LIMITED,
    KEY_MISMATCH,
    FROM_MISMATCH,
    UNKNOWN_PEER,
    BAD_REQUEST,
    OVERLOADED,
    UNSUPPORTED,
    INTERNAL,
    /** A reason this version does not know (sent by a newer peer); see the detail text. */
    @JsonEnumDefaultValue
    OTHER,
  }
}
