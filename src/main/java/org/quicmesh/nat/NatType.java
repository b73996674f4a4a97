package org.quicmesh.nat;

/**
 * The classic NAT classes (RFC 3489 names), as combinations of RFC 4787 behaviours. What each means for
 * connectivity is in docs/nat-traversal.md.
 */
public enum NatType {
  /** No translation: the address peers see is the node's own. */
  NONE,
  /** Endpoint-independent mapping and filtering: anyone may send to the mapped address. */
  FULL_CONE,
  /** Endpoint-independent mapping, address-dependent filtering. */
  RESTRICTED_CONE,
  /** Endpoint-independent mapping, address-and-port-dependent filtering. */
  PORT_RESTRICTED_CONE,
  /** The mapping depends on the destination: every peer sees another port. */
  SYMMETRIC,
  /** Not enough evidence yet (too few observers, or answers that contradict each other). */
  UNKNOWN;

  /**
   * True if peers cannot reach the node unasked, so it needs a relay to be reachable (hole punching starts through
   * one): the filtering NATs. Not for NONE and FULL_CONE (reachable at their address), nor UNKNOWN (no evidence).
   */
  public boolean needsRelay() {
    return this == RESTRICTED_CONE || this == PORT_RESTRICTED_CONE || this == SYMMETRIC;
  }

  /** The class of a NAT with these behaviours. */
  public static NatType of(MappingBehavior mapping, FilteringBehavior filtering) {
    return switch (mapping) {
      case NO_TRANSLATION -> NONE;
      case ADDRESS_DEPENDENT, ADDRESS_AND_PORT_DEPENDENT -> SYMMETRIC;
      case UNKNOWN -> UNKNOWN;
      case ENDPOINT_INDEPENDENT -> switch (filtering) {
        case ENDPOINT_INDEPENDENT -> FULL_CONE;
        case ADDRESS_DEPENDENT -> RESTRICTED_CONE;
        case ADDRESS_AND_PORT_DEPENDENT -> PORT_RESTRICTED_CONE;
        case UNKNOWN -> UNKNOWN;
      };
    };
  }
}
