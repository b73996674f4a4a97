package org.quicmesh.wire;

import java.util.Optional;
import org.quicmesh.identity.NodeId;

/**
 * How a relay is written in an endpoint record's {@code relays}: {@code <64-hex node id>@ip:port}. The one place that
 * writes it (for the relays a node holds) and reads it (for the relays a peer can be reached through).
 */
public final class RelayEntry {
  private RelayEntry() {}

  public static String format(Contact relay) {
    return relay.id().toHex() + "@" + relay.address();
  }

  /** The relay an entry names, or empty if it is malformed or names no node id. */
  public static Optional<Contact> parse(String entry) {
    int at = entry.indexOf('@');
    if (at != 2 * NodeId.LENGTH) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Contact(NodeId.fromHex(entry.substring(0, at)), entry.substring(at + 1)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
