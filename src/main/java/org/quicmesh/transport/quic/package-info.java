/**
 * The {@link org.quicmesh.transport.Transport} over Netty QUIC.
 *
 * <p>Layout of the node's one UDP socket: {@code DatagramDemux -> server codec -> CodecBridge -> client codec}. The
 * demux classifies each datagram ({@link org.quicmesh.transport.quic.PacketClassifier}) and hands QUIC packets to the
 * codec owning their destination connection id ({@link org.quicmesh.transport.quic.ConnectionIds} prefixes), STUN
 * and probe packets to {@link org.quicmesh.transport.quic.Datagrams}. TLS is mutual Ed25519
 * ({@link org.quicmesh.transport.quic.QuicTls}); peers are identified by the NodeId their certificate binds.
 *
 * <p>RPC: one bidirectional stream per request ({@code RpcCall} client side, {@code RpcServerHandler} server side),
 * framed by {@link org.quicmesh.transport.quic.stream.FrameCodec} (varint length + CBOR), the codec the message streams
 * use too, through the pipeline adapters in {@code RpcFrames}. Long-lived message streams go through
 * the {@link org.quicmesh.transport.quic.StreamAdapters} seam, by default
 * {@link org.quicmesh.transport.quic.MessageStreamAdapters} over the stages of {@code transport.quic.stream}.
 */
package org.quicmesh.transport.quic;
