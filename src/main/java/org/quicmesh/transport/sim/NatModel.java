package org.quicmesh.transport.sim;

import java.net.InetSocketAddress;

/**
 * How the simulated network rewrites and filters traffic between hosts, for emulating NATs: the address a packet
 * appears to come from at its destination, and whether an inbound packet is let through. The default is no NAT.
 */
public interface NatModel {

  /** The source address {@code destination} sees for a packet that {@code source} sent to it. */
  InetSocketAddress observedSource(InetSocketAddress source, InetSocketAddress destination);

  /** Whether a packet from {@code remote} to {@code host} (as addressed by the remote) gets through. */
  boolean admits(InetSocketAddress remote, InetSocketAddress host);

  /** Every host is public. */
  NatModel NONE = new NatModel() {
    @Override
    public InetSocketAddress observedSource(InetSocketAddress source, InetSocketAddress destination) {
      return source;
    }

    @Override
    public boolean admits(InetSocketAddress remote, InetSocketAddress host) {
      return true;
    }
  };
}
