/**
 * GossipSub v1.1 building blocks as plain, single-threaded logic (time as {@code long nowMillis}, randomness as a
 * {@link java.util.Random} argument): signed messages and their ids ({@link org.quicmesh.pubsub.SignedMessages},
 * {@link org.quicmesh.pubsub.MessageId}), deduplication ({@link org.quicmesh.pubsub.SeenCache}), the gossip message
 * cache with amplification-bounded IWant answers ({@link org.quicmesh.pubsub.MessageCache}), IWant promises and IHave
 * flood limits ({@link org.quicmesh.pubsub.PromiseTracker}, {@link org.quicmesh.pubsub.IHaveBudget}) and the per-peer
 * byte-bounded send queue ({@link org.quicmesh.pubsub.OutboundQueue}). The router actor owns and drives them.
 */
package org.quicmesh.pubsub;
