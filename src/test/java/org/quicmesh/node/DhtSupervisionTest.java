package org.quicmesh.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quicmesh.dht.LookupResult;
import org.quicmesh.dht.PutResult;
import org.quicmesh.simulation.SimulatedMesh.Member;

/** The Dht restarts after a failure, re-seeded from its routing-table contacts and seeds; too many failures fail the node. */
class DhtSupervisionTest {
  private final SupervisedMesh mesh = new SupervisedMesh(12, 31);

  @AfterEach
  void close() {
    mesh.close();
  }

  @Test
  void aRestartedDhtRejoinsFromWhatSurvivedAndServesLookupsAndGets() {
    byte[] value = "survives a failing dht".getBytes(StandardCharsets.UTF_8);
    PutResult put = mesh.cluster.ask(mesh.nodes.get(0).node(), r -> new MeshNode.Put(value, r));
    Member failing = mesh.nodes.get(6);
    int contactsBefore = mesh.status(failing).peers().size();

    mesh.fail(failing, NodeGuardian.Child.DHT, null);
    mesh.cluster.advance(Duration.ofSeconds(10));

    NodeStatus after = mesh.status(failing);
    assertTrue(after.peers().size() >= contactsBefore,
        "the routing table came back: " + after.peers().size() + " of " + contactsBefore + " contacts");
    assertTrue(after.telemetry().dht().bootstrap().startsWith("joined"),
        "bootstrapped again: " + after.telemetry().dht().bootstrap());
    LookupResult lookup = mesh.cluster.ask(failing.node(),
        r -> new MeshNode.FindNode(mesh.nodes.get(11).keypair().nodeId(), r));
    assertEquals(mesh.nodes.get(11).keypair().nodeId(), lookup.closest().get(0).id());
    assertArrayEquals(value, mesh.cluster.ask(failing.node(), r -> new MeshNode.Get(put.key(), r)));
    // And it serves others: a lookup through it from the newest node still finds the oldest.
    LookupResult fromOthers = mesh.cluster.ask(mesh.nodes.get(11).node(),
        r -> new MeshNode.FindNode(mesh.nodes.get(0).keypair().nodeId(), r));
    assertEquals(mesh.nodes.get(0).keypair().nodeId(), fromOthers.closest().get(0).id());
  }

  @Test
  void aDhtThatKeepsFailingFailsTheNodeLoudly() {
    Member failing = mesh.nodes.get(3);
    for (int i = 0; i <= 10; i++) {
      mesh.fail(failing, NodeGuardian.Child.DHT, null);
    }
    mesh.cluster.advance(Duration.ofSeconds(1));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> mesh.status(failing));
    assertTrue(e.getMessage().contains("node failed: its dht actor failed more than 10 times"), e.getMessage());
    // Its transport is closed, so the others route around it.
    LookupResult lookup = mesh.cluster.ask(mesh.nodes.get(0).node(),
        r -> new MeshNode.FindNode(mesh.nodes.get(11).keypair().nodeId(), r));
    assertFalse(lookup.closest().isEmpty());
    assertEquals(mesh.nodes.get(11).keypair().nodeId(), lookup.closest().get(0).id());
  }
}
