package org.quicmesh.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NodeIdTest {
  private static NodeId withBit(int bitFromMsb) {
    byte[] b = new byte[32];
    if (bitFromMsb >= 0) {
      b[bitFromMsb / 8] = (byte) (0x80 >>> (bitFromMsb % 8));
    }
    return NodeId.of(b);
  }

  private static final NodeId ZERO = withBit(-1);

  @Test
  void bucketIndexOfItselfIsMinusOne() {
    NodeId id = Keypair.generate().nodeId();
    assertEquals(-1, id.bucketIndex(id));
  }

  @Test
  void bucketIndexWhenOnlyTheLastBitDiffersIsZero() {
    assertEquals(0, ZERO.bucketIndex(withBit(255)));
  }

  @Test
  void bucketIndexWhenTheFirstBitDiffersIs255() {
    assertEquals(255, ZERO.bucketIndex(withBit(0)));
  }

  @Test
  void bucketIndexIsTheHighestDifferingBit() {
    assertEquals(255 - 9, ZERO.bucketIndex(withBit(9)));
    assertEquals(255 - 9, withBit(9).bucketIndex(ZERO));
  }

  @Test
  void compareDistanceOrdersByXorDistance() {
    NodeId near = withBit(200);
    NodeId far = withBit(3);
    assertTrue(ZERO.compareDistance(near, far) < 0);
    assertTrue(ZERO.compareDistance(far, near) > 0);
    assertEquals(0, ZERO.compareDistance(far, far));
    // XOR, not numeric difference: from 0x80.., 0xff.. is closer than 0x00..
    NodeId high = withBit(0);
    byte[] ones = new byte[32];
    java.util.Arrays.fill(ones, (byte) 0xff);
    assertTrue(high.compareDistance(NodeId.of(ones), ZERO) < 0);
  }

  @Test
  void hexRoundTripsInBothCases() {
    NodeId id = Keypair.generate().nodeId();
    assertEquals(id, NodeId.fromHex(id.toHex()));
    assertEquals(id, NodeId.fromHex(id.toHex().toUpperCase()));
    assertEquals(64, id.toHex().length());
  }

  @Test
  void rejectsWrongLengths() {
    assertThrows(IllegalArgumentException.class, () -> NodeId.of(new byte[31]));
    assertThrows(IllegalArgumentException.class, () -> NodeId.of(new byte[33]));
    assertThrows(IllegalArgumentException.class, () -> NodeId.of(null));
    assertThrows(IllegalArgumentException.class, () -> NodeId.fromHex("abcd"));
    assertThrows(IllegalArgumentException.class, () -> NodeId.fromHex("z".repeat(64)));
    assertThrows(IllegalArgumentException.class, () -> NodeId.fromPublicKey(new byte[31]));
  }

  @Test
  void ofCopiesItsInput() {
    byte[] b = new byte[32];
    NodeId id = NodeId.of(b);
    b[0] = 1;
    assertEquals(ZERO, id);
  }

  @Test
  void isBlake3OfThePublicKey() {
    Keypair k = Keypair.generate();
    assertEquals(NodeId.of(Blake3.hash(k.publicKey())), k.nodeId());
  }
}
