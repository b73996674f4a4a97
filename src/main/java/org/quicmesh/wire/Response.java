package org.quicmesh.wire;

/** A message that answers a {@link Request}. */
public sealed interface Response extends Message permits Ack {}
