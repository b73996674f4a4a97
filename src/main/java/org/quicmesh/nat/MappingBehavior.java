package org.quicmesh.nat;

/** How a NAT chooses the public address of an outbound flow (RFC 4787 §4.1). */
public enum MappingBehavior {
  /** No NAT: the mapped address is the local one. */
  NO_TRANSLATION,
  /** One mapping per local address, whatever the destination. */
  ENDPOINT_INDEPENDENT,
  /** A mapping per destination IP. */
  ADDRESS_DEPENDENT,
  /** A mapping per destination IP and port. */
  ADDRESS_AND_PORT_DEPENDENT,
  UNKNOWN
}
