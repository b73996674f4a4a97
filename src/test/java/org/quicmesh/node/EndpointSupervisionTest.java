package org.quicmesh.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quicmesh.simulation.SimulatedMesh.Member;

/** The endpoint restarts after a failure with nothing to re-seed: pings, even one in flight, and inbound requests work. */
class EndpointSupervisionTest {
  private final SupervisedMesh mesh = new SupervisedMesh(4, 32);

  @AfterEach
  void close() {
    mesh.close();
  }

  @Test
  void aPingInFlightWhenTheEndpointFailsIsStillAnsweredAndLaterPingsWork() {
    Member a = mesh.nodes.get(0);
    Member b = mesh.nodes.get(3);
    List<StatusReply<Pong>> pongs = new ArrayList<>();
    var replies = mesh.cluster.<StatusReply<Pong>>collector(pongs);
    a.node().tell(new MeshNode.Ping(PeerTarget.of(b.address()), replies));
    // The failure is processed right after the ping was sent; its answer reaches the restarted endpoint.
    mesh.fail(a, NodeGuardian.Child.ENDPOINT, null);
    mesh.cluster.advance(Duration.ofSeconds(2));
    assertEquals(1, pongs.size());
    assertTrue(pongs.get(0).isSuccess(), () -> pongs.get(0).getError().getMessage());
    assertEquals(b.keypair().nodeId(), pongs.get(0).getValue().peer());

    Pong byId = mesh.cluster.ask(a.node(), r -> new MeshNode.Ping(PeerTarget.of(b.keypair().nodeId()), r));
    assertEquals(b.keypair().nodeId(), byId.peer());
    NodeStatus status = mesh.status(a);
    assertEquals(1L, status.telemetry().counters().get("pings.sent"), "the restarted endpoint counts afresh");
    assertEquals(1L, status.telemetry().counters().get("restarts.endpoint"));
  }

  @Test
  void aRestartedEndpointStillAnswersPeersHowTheySeeThem() {
    Member a = mesh.nodes.get(0);
    Member b = mesh.nodes.get(1);
    mesh.fail(a, NodeGuardian.Child.ENDPOINT, null);
    // b pings a and then asks a (whose endpoint restarted) what address it sees b at.
    mesh.cluster.<Pong>ask(b.node(), r -> new MeshNode.Ping(PeerTarget.of(a.address()), r));
    mesh.cluster.advance(Duration.ofSeconds(1));
    assertEquals(List.of(b.address()), mesh.status(b).observed());
  }
}
