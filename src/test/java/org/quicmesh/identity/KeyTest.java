package org.quicmesh.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KeyTest {
  @Test
  void contentKeyIsBlake3OfTheBytes() {
    byte[] value = "hello mesh".getBytes(StandardCharsets.UTF_8);
    assertArrayEquals(Blake3.hash(value), Key.forContent(value).bytes());
  }

  @Test
  void contentKeyOfEmptyInputIsTheOfficialEmptyHash() {
    assertEquals("af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
        Key.forContent(new byte[0]).toHex());
  }

  @Test
  void endpointRecordKeyIsDomainSeparatedHashOfTheNodeId() {
    NodeId node = Keypair.generate().nodeId();
    byte[] prefix = "quicmesh/endpoint/".getBytes(StandardCharsets.US_ASCII);
    assertArrayEquals(Blake3.hash(prefix, node.toBytes()), Key.forEndpointRecord(node).bytes());
    // Never the same point as the node itself or as the content key of its id bytes.
    assertNotEquals(node, Key.forEndpointRecord(node).toNodeId());
    assertNotEquals(Key.forContent(node.toBytes()), Key.forEndpointRecord(node));
  }

  @Test
  void toNodeIdKeepsTheSameBitsForLookups() {
    Key key = Key.forContent(new byte[] {1, 2, 3});
    assertArrayEquals(key.bytes(), key.toNodeId().toBytes());
  }

  @Test
  void compareDistanceAgreesWithTheNodeIdMetric() {
    Key key = Key.forContent(new byte[] {9});
    for (int i = 0; i < 50; i++) {
      NodeId a = Keypair.generate().nodeId();
      NodeId b = Keypair.generate().nodeId();
      assertEquals(Integer.signum(key.toNodeId().compareDistance(a, b)), Integer.signum(key.compareDistance(a, b)));
    }
    NodeId a = Keypair.generate().nodeId();
    assertArrayEquals(key.toNodeId().distance(a), key.distance(a));
  }

  @Test
  void hexRoundTripsAndWrongLengthsAreRejected() {
    Key key = Key.forContent(new byte[] {7});
    assertEquals(key, Key.fromHex(key.toHex()));
    assertEquals(key, Key.of(key.bytes()));
    assertThrows(IllegalArgumentException.class, () -> Key.of(new byte[16]));
    assertThrows(IllegalArgumentException.class, () -> Key.fromHex("00"));
    assertThrows(IllegalArgumentException.class, () -> Key.forContent(null));
    assertTrue(key.toString().startsWith("key:"));
  }
}
