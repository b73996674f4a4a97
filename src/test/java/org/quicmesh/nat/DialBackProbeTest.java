package org.quicmesh.nat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quicmesh.transport.DatagramKind;

class DialBackProbeTest {
  private static final byte[] NONCE = "0123456789abcdef".getBytes();

  @Test
  void carriesItsNonceAsAProbeKindDatagram() {
    byte[] datagram = DialBackProbe.bytes(NONCE);
    assertEquals(Optional.of(DatagramKind.PROBE), DatagramKind.of(datagram));
    assertArrayEquals(NONCE, DialBackProbe.nonce(datagram).orElseThrow());
  }

  @Test
  void otherProbesAndTruncatedOnesAreNotDialBacks() {
    byte[] datagram = DialBackProbe.bytes(NONCE);
    assertTrue(DialBackProbe.nonce(Keepalive.bytes()).isEmpty());
    assertTrue(DialBackProbe.nonce(Arrays.copyOf(datagram, datagram.length - 1)).isEmpty());
    datagram[1] = 'X';
    assertTrue(DialBackProbe.nonce(datagram).isEmpty());
    assertThrows(IllegalArgumentException.class, () -> DialBackProbe.bytes(new byte[15]));
  }
}
