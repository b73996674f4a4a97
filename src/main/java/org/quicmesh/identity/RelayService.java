package org.quicmesh.identity;

import java.util.List;
import java.util.TreeSet;

/**
 * A node's advertisement, in its {@link EndpointRecord}, that it relays sessions for others: whether it accepts new
 * ones now, how loaded it is, and which relay protocols it speaks, so nodes behind NATs can pick a relay that will take
 * them and serve what they need.
 *
 * @param loadPermille 0 (idle) to 1000 (full)
 * @param capabilities protocol names such as {@value #RELAY} (sorted, distinct: the canonical order the record
 *     encodes, so a decoded record re-encodes to the same bytes); empty in records signed before they existed
 */
public record RelayService(boolean accepting, int loadPermille, List<String> capabilities) {
  public static final int MAX_LOAD_PERMILLE = 1000;
  public static final int MAX_CAPABILITIES = 8;
  public static final int MAX_CAPABILITY_LENGTH = 32;
  /** Reservations and sessions (RelayReserve, RelayConnect, RelayClose). */
  public static final String RELAY = "relay/1";
  /** Coordinates hole punching for the sessions it relays (RelayIncoming, HolePunchStart travel through it). */
  public static final String HOLE_PUNCH = "hole-punch/1";
  /** What this implementation's relays offer. */
  public static final List<String> CURRENT = List.of(HOLE_PUNCH, RELAY);

  public RelayService {
    if (loadPermille < 0 || loadPermille > MAX_LOAD_PERMILLE) {
      throw new IllegalArgumentException("relay load must be 0..1000 permille, got " + loadPermille);
    }
    if (capabilities == null) {
      capabilities = List.of(); // a CBOR-mapped service from before capabilities existed has none
    }
    for (String capability : capabilities) {
      String problem = capabilityProblem(capability);
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
    }
    capabilities = List.copyOf(new TreeSet<>(capabilities));
    if (capabilities.size() > MAX_CAPABILITIES) {
      throw new IllegalArgumentException(capabilities.size() + " relay capabilities exceed " + MAX_CAPABILITIES);
    }
  }

  /** A service without capabilities, as records carried them before capabilities existed. */
  public RelayService(boolean accepting, int loadPermille) {
    this(accepting, loadPermille, List.of());
  }

  public boolean offers(String capability) {
    return capabilities.contains(capability);
  }

  /** Null if {@code capability} is a well-formed protocol name (1-32 of a-z 0-9 / - .), otherwise why not. */
  static String capabilityProblem(String capability) {
    if (capability == null) {
      return "null relay capability";
    }
    if (capability.isEmpty() || capability.length() > MAX_CAPABILITY_LENGTH) {
      return "relay capability must have 1.." + MAX_CAPABILITY_LENGTH + " characters";
    }
    for (int i = 0; i < capability.length(); i++) {
      char c = capability.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '/' || c == '-' || c == '.')) {
        return "relay capability may hold only a-z 0-9 / - .";
      }
    }
    return null;
  }
}
