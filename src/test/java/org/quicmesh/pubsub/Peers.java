package org.quicmesh.pubsub;

import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.Contact;

/** Deterministic peers for pub/sub tests: peer n has an id ending in n and address 10.0.x.y. */
final class Peers {
  private Peers() {}

  static NodeId id(int n) {
    byte[] b = new byte[NodeId.LENGTH];
    b[0] = (byte) 0x40;
    b[30] = (byte) (n >> 8);
    b[31] = (byte) n;
    return NodeId.of(b);
  }

  static Contact contact(int n) {
    return new Contact(id(n), "10.0." + ((n >> 8) & 0xff) + "." + (n & 0xff) + ":4433");
  }

  /** The contact of a peer made by {@link #id(int)}. */
  static Contact contact(NodeId id) {
    return new Contact(id, "10.0." + id.byteAt(30) + "." + id.byteAt(31) + ":4433");
  }
}
