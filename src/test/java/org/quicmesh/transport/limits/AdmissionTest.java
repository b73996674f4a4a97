package org.quicmesh.transport.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.Keypair;
import org.quicmesh.identity.NodeId;
import org.quicmesh.nat.ManualClock;
import org.quicmesh.transport.limits.Permits.Verdict;

class AdmissionTest {
  private static final TransportLimits SMALL = new TransportLimits(3, 1, 2, 2, 3, 1024, true);
  private final ManualClock clock = new ManualClock();

  @Test
  void loopbackIsExemptFromThePerIpLimitsButNotFromTheTotal() throws Exception {
    Admission admission = new Admission(SMALL, clock);
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    for (int i = 0; i < 10; i++) {
      assertTrue(admission.admitAttempt(loopback));
    }
    assertEquals(Verdict.GRANTED, admission.admitConnection(loopback));
    assertEquals(Verdict.GRANTED, admission.admitConnection(loopback));
    assertEquals(Verdict.GRANTED, admission.admitConnection(loopback));
    assertEquals(Verdict.OVER_TOTAL_LIMIT, admission.admitConnection(loopback));
  }

  @Test
  void withoutTheExemptionLoopbackAddressesAreLimitedEachByItself() throws Exception {
    Admission admission = new Admission(SMALL.withExemptLoopback(false), clock);
    InetAddress flooder = InetAddress.getByName("127.0.0.2");
    InetAddress honest = InetAddress.getByName("127.0.0.3");
    assertTrue(admission.admitAttempt(flooder));
    assertTrue(admission.admitAttempt(flooder));
    assertFalse(admission.admitAttempt(flooder));
    assertTrue(admission.admitAttempt(honest));
    assertEquals(Verdict.GRANTED, admission.admitConnection(flooder));
    assertEquals(Verdict.OVER_KEY_LIMIT, admission.admitConnection(flooder));
    assertEquals(Verdict.GRANTED, admission.admitConnection(honest));
    admission.releaseConnection(flooder);
    assertEquals(1, admission.connections());
  }

  @Test
  void requestRatesArePerPeerAndLoopbackIsExemptByDefault() throws Exception {
    NodeId flooder = Keypair.generate().nodeId();
    NodeId honest = Keypair.generate().nodeId();
    InetAddress remote = InetAddress.getByName("192.0.2.1");
    Admission admission = new Admission(SMALL, clock);
    for (int i = 0; i < 3; i++) {
      assertTrue(admission.admitRequestRate(flooder, remote));
    }
    assertFalse(admission.admitRequestRate(flooder, remote));
    assertTrue(admission.admitRequestRate(honest, remote));
    assertTrue(admission.admitRequestRate(flooder, InetAddress.getByName("127.0.0.1")));
    clock.advanceMillis(1000);
    assertTrue(admission.admitRequestRate(flooder, remote));
  }

  @Test
  void requestsAreLimitedPerPeerAndReleasedOnEnd() {
    Admission admission = new Admission(SMALL, clock);
    NodeId flooder = Keypair.generate().nodeId();
    NodeId honest = Keypair.generate().nodeId();
    assertEquals(Verdict.GRANTED, admission.admitRequest(flooder));
    assertEquals(Verdict.GRANTED, admission.admitRequest(flooder));
    assertEquals(Verdict.OVER_KEY_LIMIT, admission.admitRequest(flooder));
    assertEquals(Verdict.GRANTED, admission.admitRequest(honest));
    admission.releaseRequest(flooder);
    assertEquals(Verdict.GRANTED, admission.admitRequest(flooder));
    assertEquals(3, admission.inflightRequests());
  }
}
