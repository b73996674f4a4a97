package org.quicmesh.wire;

/** Registered; the rendezvous waits for the other side to register too. */
public record HolePunchWaiting() implements NatResponse {}
