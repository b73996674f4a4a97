package org.quicmesh.pubsub;

import java.util.function.ObjLongConsumer;
import org.quicmesh.wire.Choke;
import org.quicmesh.wire.GossipMessage;
import org.quicmesh.wire.Graft;
import org.quicmesh.wire.IHave;
import org.quicmesh.wire.IWant;
import org.quicmesh.wire.Prune;
import org.quicmesh.wire.Publish;
import org.quicmesh.wire.Subscribe;
import org.quicmesh.wire.Unchoke;
import org.quicmesh.wire.Unsubscribe;

/**
 * The approximate encoded size of a gossip message, without encoding it: what queue bounds and the control-traffic
 * figures count. Over-estimates a little (CBOR field names and headers are taken at a fixed 16 bytes per field).
 */
final class WireSize {
  private static final int FIELD = 16;
  private static final int CONTACT = 32 + 48 + 2 * FIELD;
  private static final int MESSAGE_ID = 40 + 2;
  /** A hold time in an announcement: a CBOR integer up to 120,000. */
  private static final int HELD = 5;

  private WireSize() {}

  static int of(GossipMessage message) {
    if (message instanceof Publish p) {
      return 5 * FIELD + p.topic().length() + p.origin().length + 8 + p.payload().length + p.signature().length;
    }
    if (message instanceof IHave h) {
      return 3 * FIELD + h.topic().length() + h.messageIds().size() * MESSAGE_ID + h.heldMillis().size() * HELD;
    }
    if (message instanceof IWant w) {
      return FIELD + w.messageIds().size() * MESSAGE_ID;
    }
    if (message instanceof Prune p) {
      return 3 * FIELD + p.topic().length() + p.peerExchange().size() * CONTACT;
    }
    if (message instanceof Graft g) {
      return FIELD + g.topic().length();
    }
    if (message instanceof Subscribe s) {
      return FIELD + s.topic().length();
    }
    if (message instanceof Unsubscribe u) {
      return FIELD + u.topic().length();
    }
    if (message instanceof Choke c) {
      return FIELD + c.topic().length();
    }
    if (message instanceof Unchoke u) {
      return FIELD + u.topic().length();
    }
    throw new IllegalArgumentException("unknown gossip message " + message.getClass().getSimpleName());
  }

  static boolean isControl(GossipMessage message) {
    return !(message instanceof Publish);
  }

  /** Counts a message handed to a peer link: {@code sent.data|control} and {@code bytes.data|control}. */
  static void countSent(GossipMessage message, ObjLongConsumer<String> add) {
    boolean control = isControl(message);
    add.accept(control ? "bytes.control" : "bytes.data", of(message));
    add.accept(control ? "sent.control" : "sent.data", 1);
  }
}
