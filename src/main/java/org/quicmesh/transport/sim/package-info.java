/**
 * The transport SPI in memory: {@link org.quicmesh.transport.sim.SimNetwork} carries requests and streams between
 * {@link org.quicmesh.transport.sim.SimTransport}s with per-link latency ({@link org.quicmesh.transport.sim.LatencyModel}),
 * loss, partitions, silent crashes and a {@link org.quicmesh.transport.sim.NatModel} hook.
 *
 * <p>It runs on any Pekko scheduler; on the virtual-time engine of {@link org.quicmesh.virtualtime} whole networks run
 * deterministically in one thread.
 */
package org.quicmesh.transport.sim;
