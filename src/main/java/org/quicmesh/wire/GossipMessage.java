package org.quicmesh.wire;

/**
 * A GossipSub control or data message, sent on a long-lived per-peer stream. It carries no sender: the stream's peer
 * was verified when the connection was established.
 */
public sealed interface GossipMessage extends Message
    permits Subscribe, Unsubscribe, Graft, Prune, Publish, IHave, IWant, Choke, Unchoke {}
