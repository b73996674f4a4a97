package org.quicmesh.transport.quic;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Application error codes we close QUIC connections with (CONNECTION_CLOSE of type 0x1d), each with the reason text
 * the peer logs. Codes are distinct from the {@link StreamErrors} stream codes.
 */
enum CloseReason {
  /** A clean leave: the node shuts down. */
  NODE_LEAVING(0x0, "node leaving"),
  /** The node holds as many connections from peers as its limit allows. */
  LIMIT_CONNECTIONS(0x201, "too many connections to this node"),
  /** The node holds as many connections from this IP address as its limit allows. */
  LIMIT_CONNECTIONS_PER_IP(0x202, "too many connections from your IP address");

  private final int code;
  private final String text;

  CloseReason(int code, String text) {
    this.code = code;
    this.text = text;
  }

  int code() {
    return code;
  }

  String text() {
    return text;
  }

  /** The reason phrase for a CONNECTION_CLOSE frame (the caller's buffer to hand to Netty). */
  ByteBuf phrase() {
    return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
  }

  /** Which of ours a peer's application close is; empty for transport errors or codes we do not know. */
  static Optional<CloseReason> of(QuicConnectionCloseEvent event) {
    if (!event.isApplicationClose()) {
      return Optional.empty();
    }
    for (CloseReason reason : values()) {
      if (reason.code == event.error()) {
        return Optional.of(reason);
      }
    }
    return Optional.empty();
  }

  /** How a peer's close reads in a log line or an error message: its code and its own reason text. */
  static String describe(QuicConnectionCloseEvent event) {
    String phrase = event.reason() == null ? "" : new String(event.reason(), StandardCharsets.UTF_8);
    String kind = event.isApplicationClose() ? "application" : "transport";
    return kind + " error 0x" + Integer.toHexString(event.error()) + (phrase.isEmpty() ? "" : " (" + phrase + ")");
  }
}
