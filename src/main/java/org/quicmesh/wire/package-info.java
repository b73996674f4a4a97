/**
 * The Quicmesh wire protocol: every message as a validated record ({@link org.quicmesh.wire.Message}), grouped by
 * family into sealed interfaces: requests ({@link org.quicmesh.wire.DhtRequest}, {@link org.quicmesh.wire.NatRequest},
 * routed with {@link org.quicmesh.wire.RequestRoutes}), their responses ({@link org.quicmesh.wire.DhtResponse},
 * {@link org.quicmesh.wire.NatResponse}, and the shared {@link org.quicmesh.wire.Ack} and
 * {@link org.quicmesh.wire.Rejected}) and pub/sub stream messages ({@link org.quicmesh.wire.GossipMessage}). Their
 * CBOR encoding is {@link org.quicmesh.wire.WireCodec}; the frame header rules (varint length) are
 * {@link org.quicmesh.wire.Frames}, on which {@code transport.quic.stream.FrameCodec} builds the one frame codec. All
 * size limits live in {@link org.quicmesh.wire.Limits}. Pure Java plus Jackson; no Netty, no actors.
 */
package org.quicmesh.wire;
