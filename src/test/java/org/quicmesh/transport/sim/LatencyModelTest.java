package org.quicmesh.transport.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LatencyModelTest {
  private static InetSocketAddress host(Random random) {
    return new InetSocketAddress("203.0." + random.nextInt(256) + "." + random.nextInt(256), 1000 + random.nextInt(1000));
  }

  @Test
  void onAMapNoDetourBeatsTheDirectLinkAndEveryRttIsInRange() {
    LatencyModel geo = LatencyModel.parse("geo:20-200", 7);
    Random random = new Random(1);
    for (int i = 0; i < 2000; i++) {
      InetSocketAddress a = host(random);
      InetSocketAddress b = host(random);
      InetSocketAddress relay = host(random);
      long direct = geo.oneWay(a, b).toNanos();
      assertTrue(geo.oneWay(a, relay).toNanos() + geo.oneWay(relay, b).toNanos() >= direct, "triangle " + i);
      assertEquals(direct, geo.oneWay(b, a).toNanos(), "symmetric");
      long rttMs = 2 * direct / 1_000_000;
      assertTrue(rttMs >= 20 && rttMs <= 200, "in range: " + rttMs);
    }
  }

  @Test
  void aNatsMappingsOfOneAddressSitTogether() {
    LatencyModel geo = LatencyModel.parse("geo:20-200", 7);
    InetSocketAddress peer = new InetSocketAddress("198.51.100.9", 4000);
    assertEquals(geo.oneWay(new InetSocketAddress("203.0.113.5", 61000), peer),
        geo.oneWay(new InetSocketAddress("203.0.113.5", 62001), peer), "the port does not move a host");
  }

  @Test
  void anUnknownModelIsRefusedNamingTheKnownOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LatencyModel.parse("mesh:1", 1));
    assertTrue(e.getMessage().contains("geo:MIN_MS-MAX_MS"), e.getMessage());
  }
}
