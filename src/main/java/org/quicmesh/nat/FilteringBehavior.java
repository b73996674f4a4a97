package org.quicmesh.nat;

/** Which inbound packets a NAT lets through an existing mapping (RFC 4787 §5). */
public enum FilteringBehavior {
  /** Anyone. */
  ENDPOINT_INDEPENDENT,
  /** Only IPs the host has sent to, from any port. */
  ADDRESS_DEPENDENT,
  /** Only the exact IP and port the host has sent to. */
  ADDRESS_AND_PORT_DEPENDENT,
  UNKNOWN
}
