package org.quicmesh.transport.quic;

import io.netty.channel.ChannelDuplexHandler;

/**
 * A no-op handler between the server and the client QUIC codec. Its context is the demultiplexer's door to the
 * client codec: firing a read from here reaches the client codec without passing the server codec (which would
 * consume it).
 */
final class CodecBridge extends ChannelDuplexHandler {}
