package org.quicmesh.pubsub;

import java.nio.charset.StandardCharsets;
import org.quicmesh.identity.Keypair;
import org.quicmesh.identity.TestKeys;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.Publish;

/** Deterministic keys, peers and messages for pub/sub tests. */
final class PubSubTestData {
  private PubSubTestData() {}

  /** The n-th fixed keypair. */
  static Keypair keypair(int n) {
    return TestKeys.fixed(n);
  }

  /** A peer id whose last bytes are n. */
  static NodeId peer(int n) {
    byte[] b = new byte[NodeId.LENGTH];
    b[0] = 0x42;
    b[30] = (byte) (n >> 8);
    b[31] = (byte) n;
    return NodeId.of(b);
  }

  /** A signed message by keypair(1) on {@code topic} with sequence number {@code seqno}. */
  static Publish message(String topic, long seqno) {
    return SignedMessages.sign(keypair(1), topic, seqno, ("m" + seqno).getBytes(StandardCharsets.UTF_8));
  }

  /** An unsigned-looking message of a given payload size (the caches never check signatures). */
  static Publish sized(String topic, long seqno, int payloadBytes) {
    return new Publish(topic, keypair(1).publicKey(), seqno, new byte[payloadBytes], new byte[64]);
  }
}
