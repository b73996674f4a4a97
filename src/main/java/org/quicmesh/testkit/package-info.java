/**
 * Simulating a Quicmesh mesh in your own tests: hundreds of real nodes on an in-memory network, in virtual time, in
 * one JVM, deterministic for a seed.
 *
 * <pre>{@code
 * try (MeshSimulation mesh = MeshSimulation.builder().nodes(300).latency("uniform:20-200").seed(1).build()) {
 *   PutResult stored = mesh.runUntil(mesh.node(0).put(value), Duration.ofSeconds(30));
 *   byte[] fetched = mesh.runUntil(mesh.node(299).get(stored.key()), Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <p>{@link org.quicmesh.testkit.MeshSimulation} builds the mesh and moves virtual time; each
 * {@link org.quicmesh.testkit.SimNode} takes the same {@link org.quicmesh.node.MeshNode} commands as a real node and
 * offers the calls of the {@link org.quicmesh.node.Quicmesh} facade; {@link org.quicmesh.testkit.TopicInbox} collects
 * what a node receives on a topic. Nothing runs between calls: actors only work while a {@code run*} method of the
 * simulation runs, on the calling thread.
 */
package org.quicmesh.testkit;
