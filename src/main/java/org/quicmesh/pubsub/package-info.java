/**
 * GossipSub v1.1 for one node. Building blocks as plain, single-threaded logic (time as {@code long nowMillis},
 * randomness as a {@link java.util.Random} argument): signed messages and their ids
 * ({@link org.quicmesh.pubsub.SignedMessages}, {@link org.quicmesh.pubsub.MessageId}), deduplication
 * ({@link org.quicmesh.pubsub.SeenCache}), the gossip message cache with amplification-bounded IWant answers
 * ({@link org.quicmesh.pubsub.MessageCache}), IWant promises and IHave flood limits
 * ({@link org.quicmesh.pubsub.PromiseTracker}, {@link org.quicmesh.pubsub.IHaveBudget}), one topic's mesh
 * ({@link org.quicmesh.pubsub.TopicMesh}) and choking ({@link org.quicmesh.pubsub.Choking}). The actors drive them:
 * {@link org.quicmesh.pubsub.GossipRouter} (one per node: peer streams, verification, gossip) and {@code Topic} (one
 * per topic: mesh and local subscribers); each peer's outbound stream is a byte-bounded {@code PeerLink}.
 */
package org.quicmesh.pubsub;
