package org.quicmesh.transport.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.quicmesh.identity.Keypair;
import org.quicmesh.identity.NodeId;
import org.quicmesh.nat.ManualClock;
import org.quicmesh.transport.limits.Admission;
import org.quicmesh.transport.limits.Permits.Verdict;
import org.quicmesh.transport.limits.TransportLimits;

class RequestLeaseTest {
  private final Admission admission =
      new Admission(TransportLimits.defaults().withInflight(1, 1000), new ManualClock());
  private final NodeId peer = Keypair.generate().nodeId();

  @Test
  void answeringAndClosingGiveThePermitAndBytesBackOnce() {
    assertEquals(Verdict.GRANTED, admission.admitRequest(peer));
    RequestLease lease = new RequestLease(admission, peer);
    assertTrue(lease.tryReserve(600));
    assertFalse(lease.tryReserve(401), "over the budget");
    assertEquals(600, admission.inboundBytes().inUse());
    lease.release();
    lease.release();
    assertEquals(0, admission.inboundBytes().inUse());
    assertEquals(0, admission.inflightRequests());
    assertFalse(lease.tryReserve(1), "an answered stream reserves nothing more");
  }

  @Test
  void aLeaseOfAnUnverifiedPeerHoldsBytesOnly() {
    RequestLease lease = new RequestLease(admission, null);
    assertTrue(lease.tryReserve(10));
    lease.release();
    assertEquals(0, admission.inboundBytes().inUse());
    assertEquals(0, admission.inflightRequests());
  }
}
