/**
 * The transport SPI in memory: {@link org.quicmesh.transport.sim.SimNetwork} carries requests, streams and datagrams
 * between {@link org.quicmesh.transport.sim.SimTransport}s with per-link latency
 * ({@link org.quicmesh.transport.sim.LatencyModel}), loss, partitions, silent crashes and stateful NAT routers
 * ({@link org.quicmesh.transport.sim.NatBox}, behaving as a {@link org.quicmesh.transport.sim.NatBehavior} says) that
 * hosts, alone or several sharing one public IP, sit behind. Routed peers ({@link org.quicmesh.transport.PathControl})
 * are reached straight or through a relay's forwarder, in relay frames that carry a token of the in-memory message.
 *
 * <p>It runs on any Pekko scheduler; on the virtual-time engine of {@link org.quicmesh.virtualtime} whole networks run
 * deterministically in one thread.
 */
package org.quicmesh.transport.sim;
