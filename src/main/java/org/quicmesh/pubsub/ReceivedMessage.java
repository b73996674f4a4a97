package org.quicmesh.pubsub;

import org.quicmesh.identity.NodeId;

/**
 * A verified message delivered to a local subscriber.
 *
 * @param topic the topic it was published to
 * @param origin the node that published (and signed) it
 * @param id origin key and sequence number
 * @param data the payload
 * @param via the peer we first received it from (the origin itself when it came straight from the publisher)
 */
public record ReceivedMessage(String topic, NodeId origin, MessageId id, byte[] data, NodeId via) {}
