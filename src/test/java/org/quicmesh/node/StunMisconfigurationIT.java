package org.quicmesh.node;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.Keypair;

/** An RFC 5780 STUN server on a wildcard address cannot name where its answers come from: the node says so. */
@Tag("integration")
class StunMisconfigurationIT {
  private static final ActorTestKit KIT = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  @Test
  void aSecondListenIpNextToAWildcardFailsTheNodeWithAClearReason() throws Exception {
    MeshConfig config = MeshConfig.load().withListen(new InetSocketAddress(0))
        .withStunAlternateIp(InetAddress.getByName("127.0.0.2"));
    var node = KIT.spawn(MeshNode.create(config, Keypair.generate(), Transports.quic(), NodeEnvironment.system()));
    TestProbe<StatusReply<NodeStatus>> probe = KIT.createTestProbe();
    node.tell(new MeshNode.GetStatus(probe.ref()));
    StatusReply<NodeStatus> reply = probe.receiveMessage(Duration.ofSeconds(20));
    assertTrue(reply.isError());
    assertTrue(reply.getError().getMessage().contains("concrete primary IP"), reply.getError().getMessage());
  }
}
