/**
 * Pekko Streams over Netty QUIC stream channels.
 *
 * <ul>
 *   <li>{@link org.quicmesh.transport.quic.stream.QuicStreamSink}: backpressured writes (pulls only while the stream is
 *       writable), every write checked, FIN on completion, RESET_STREAM on failure.
 *   <li>{@link org.quicmesh.transport.quic.stream.QuicStreamSource}: reads with {@code autoRead=false} and a bounded
 *       buffer, so a slow consumer stops the sender through QUIC flow control; STOP_SENDING on cancel.
 *   <li>{@link org.quicmesh.transport.quic.stream.MessageStreams}: the same, typed on
 *       {@link org.quicmesh.wire.Message}.
 *   <li>{@link org.quicmesh.transport.quic.stream.FrameCodec}: the one frame encoder and decoder (varint length + body)
 *       of the transport, used by these stages and by the RPC path of {@code transport.quic}.
 * </ul>
 *
 * <p>The transport must create every stream channel with {@code ChannelOption.AUTO_READ=false} (server
 * {@code streamOption}, client stream bootstrap {@code option}) and attach at most one source and one sink to it.
 * The stages add their own handlers to the stream's pipeline and remove them when they stop.
 */
package org.quicmesh.transport.quic.stream;
