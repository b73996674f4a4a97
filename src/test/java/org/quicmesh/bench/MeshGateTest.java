package org.quicmesh.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MeshGateTest {
  @Test
  void opensOnceEveryNodeAnsweredAndTheLeastWaitPassed() {
    MeshGate gate = new MeshGate(2);
    assertFalse(gate.answered());
    assertFalse(gate.answered(), "all answered, but the least wait has not passed");
    assertTrue(gate.minWaitPassed());
    assertFalse(gate.answered(), "opens once");
    assertFalse(gate.waitOver());
    assertEquals(3, gate.answers());
  }

  @Test
  void theLeastWaitFirstThenTheLastAnswer() {
    MeshGate gate = new MeshGate(2);
    assertFalse(gate.minWaitPassed());
    assertFalse(gate.answered());
    assertTrue(gate.answered());
  }

  @Test
  void theLongestWaitOpensItWhoeverAnswered() {
    MeshGate gate = new MeshGate(3);
    gate.answered();
    assertTrue(gate.waitOver());
    assertEquals(1, gate.answers());
    assertFalse(gate.answered());
    assertFalse(gate.minWaitPassed());
  }
}
