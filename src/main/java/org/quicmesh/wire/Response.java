package org.quicmesh.wire;

/**
 * A message that answers a {@link Request}: a family's own answer ({@link DhtResponse}, {@link NatResponse}) or one
 * of the answers every family shares, {@link Ack} (done, nothing to return) and {@link Rejected} (refused, and why).
 */
public sealed interface Response extends Message permits DhtResponse, NatResponse, Ack, Rejected {}
