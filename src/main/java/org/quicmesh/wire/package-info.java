/**
 * The Quicmesh wire protocol: every message as a validated record ({@link org.quicmesh.wire.Message} with the
 * families {@link org.quicmesh.wire.Request}, {@link org.quicmesh.wire.Response} and
 * {@link org.quicmesh.wire.GossipMessage}), their CBOR encoding ({@link org.quicmesh.wire.WireCodec}) and the
 * varint-length framing on QUIC streams ({@link org.quicmesh.wire.Frames}, {@link org.quicmesh.wire.FrameDecoder}).
 * All size limits live in {@link org.quicmesh.wire.Limits}. Pure Java plus Jackson; no Netty, no actors.
 */
package org.quicmesh.wire;
