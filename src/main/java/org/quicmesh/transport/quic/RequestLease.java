package org.quicmesh.transport.quic;

import org.quicmesh.identity.NodeId;
import org.quicmesh.transport.limits.Admission;

/**
 * What one inbound request stream holds against the limits: its peer's in-flight permit and the request bytes
 * reserved from the inbound budget. Given back exactly once, at the first of: the answer and its FIN went out, or
 * the stream closed (refused, reset, its connection gone). Not only at close: Netty may keep an answered stream open
 * until the caller's FIN arrives, and a caller that never sends it must not pin our limits.
 */
final class RequestLease {
  private final Admission admission;
  /** Null when the peer could not be verified (the RPC server refuses that stream anyway). */
  private final NodeId peer;
  private long bytes;
  private boolean released;

  RequestLease(Admission admission, NodeId peer) {
    this.admission = admission;
    this.peer = peer;
  }

  /** Reserves {@code size} more request bytes: false if they do not fit the budget or the lease is over. */
  synchronized boolean tryReserve(int size) {
    if (released || !admission.inboundBytes().tryReserve(size)) {
      return false;
    }
    bytes += size;
    return true;
  }

  synchronized boolean released() {
    return released;
  }

  synchronized void release() {
    if (released) {
      return;
    }
    released = true;
    if (peer != null) {
      admission.releaseRequest(peer);
    }
    admission.inboundBytes().release(bytes);
    bytes = 0;
  }
}
