package org.quicmesh.dht;

import java.util.Random;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.Contact;

/** Deterministic ids and contacts for DHT tests. */
final class DhtTestIds {
  private DhtTestIds() {}

  static NodeId randomId(Random random) {
    byte[] b = new byte[NodeId.LENGTH];
    random.nextBytes(b);
    return NodeId.of(b);
  }

  static Contact contact(NodeId id, int port) {
    return new Contact(id, "10.0." + ((port >> 8) & 0xff) + "." + (port & 0xff) + ":" + (1024 + (port % 60000)));
  }

  /** A contact with an id whose last byte is n (ids of one bucket test need not differ elsewhere). */
  static Contact numbered(int n) {
    byte[] b = new byte[NodeId.LENGTH];
    b[0] = (byte) 0x80;
    b[30] = (byte) (n >> 8);
    b[31] = (byte) n;
    return contact(NodeId.of(b), n);
  }
}
