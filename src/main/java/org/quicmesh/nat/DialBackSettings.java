package org.quicmesh.nat;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Dial-backs ({@code quicmesh.nat.dial-back} in conf/reference.conf): testing NAT filtering with mesh peers when no
 * RFC 5780 server is known, and serving such tests to others without becoming a reflector.
 *
 * @param patience after a peer says it sent the dial-back, how long its datagram may take before it counts as filtered
 * @param servers peers tried per dial-back source before the filtering stays unknown
 * @param portOffset a node sends same-IP dial-backs from a socket at its listen port plus this offset
 * @param perPeer dial-backs (asked or relayed) served to one peer per {@code window}
 * @param perWindow dial-backs served to everyone per {@code window}
 * @param window the rate limits' window
 * @param memory how long an address this node sent to counts as contacted (above NAT filter lifetimes): a dial-back
 *     from it proves nothing
 */
public record DialBackSettings(Duration patience, int servers, int portOffset, int perPeer, int perWindow,
    Duration window, Duration memory) {

  public DialBackSettings {
    if (servers < 0 || perPeer < 0 || perWindow < 0 || portOffset < 1 || portOffset > 1000) {
      throw new IllegalArgumentException("quicmesh.nat.dial-back: counts must be >= 0, port-offset 1..1000");
    }
  }

  public static DialBackSettings fromConfig(Config dialBack) {
    return new DialBackSettings(dialBack.getDuration("wait"), dialBack.getInt("servers"),
        dialBack.getInt("port-offset"), dialBack.getInt("per-peer"), dialBack.getInt("per-window"),
        dialBack.getDuration("window"), dialBack.getDuration("memory"));
  }
}
