package org.quicmesh.nat.stun;

/** The class of a STUN message (RFC 8489 §5): two bits spread over the message type. */
public enum StunClass {
  REQUEST(0b00),
  INDICATION(0b01),
  SUCCESS_RESPONSE(0b10),
  ERROR_RESPONSE(0b11);

  private final int bits;

  StunClass(int bits) {
    this.bits = bits;
  }

  int bits() {
    return bits;
  }

  static StunClass ofBits(int bits) {
    return values()[bits];
  }
}
