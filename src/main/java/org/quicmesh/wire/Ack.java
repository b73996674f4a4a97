package org.quicmesh.wire;

/** Positive answer carrying nothing else. */
public record Ack() implements Response {}
