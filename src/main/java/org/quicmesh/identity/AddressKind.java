package org.quicmesh.identity;

/**
 * What an address in an {@link EndpointRecord} is (ICE's candidate types, RFC 8445 §5.1.1): where the node listens,
 * where a NAT maps it, or a relay's address that forwards to it. The code is the byte in the record's format 2
 * encoding; codes never change meaning.
 */
public enum AddressKind {
  /** An address of the node's own interfaces. */
  HOST(0),
  /** Where observers saw the node (its NAT's mapping): server-reflexive. */
  SERVER_REFLEXIVE(1),
  /** An address allocated on a relay that forwards to the node. */
  RELAYED(2);

  private final int code;

  AddressKind(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The kind of {@code code}, or null for a code this version does not know (the decoder refuses it). */
  static AddressKind ofCode(int code) {
    for (AddressKind kind : values()) {
      if (kind.code == code) {
        return kind;
      }
    }
    return null;
  }
}
