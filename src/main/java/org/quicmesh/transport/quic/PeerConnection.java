package org.quicmesh.transport.quic;

import io.netty.handler.codec.quic.QuicChannel;
import org.quicmesh.identity.NodeId;

/** A handshaken QUIC connection and the NodeId verified from its certificate. */
record PeerConnection(NodeId peer, QuicChannel channel) {}
