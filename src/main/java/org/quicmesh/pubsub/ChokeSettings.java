package org.quicmesh.pubsub;

import com.typesafe.config.Config;

/**
 * Choking (the CHOKE/UNCHOKE extension proposed for GossipSub, libp2p/specs#413 and #681), read from
 * {@code quicmesh.pubsub.choke}: a node tells mesh peers whose copies nearly always arrive after another peer's to stop
 * pushing full messages and announce them with an immediate IHave instead, so duplicates stop growing with the mesh
 * degree while the mesh (and its repair paths) stays as it is.
 *
 * @param enabled whether this node chokes its mesh peers (it always honours chokes from others)
 * @param dNonChoke mesh peers per topic that stay unchoked ({@code d-non-choke})
 * @param intervalTicks heartbeats between two choke decisions ({@code interval-ticks})
 * @param minMessages first copies received in the decision window before anything is decided ({@code min-messages})
 * @param firstShare a peer that delivered less than this share of the window's first copies may be choked; a choked
 *     peer whose IHaves announced at least this share first is unchoked ({@code first-share})
 * @param churn most chokes, and most unchokes, per topic per decision ({@code churn})
 * @param iWantDelayMillis how long a message only choked peers announced waits for an unchoked peer's copy before we
 *     ask for it ({@code iwant-delay}; 0: at once), the least wait: see {@link DeferredWants}, {@link AnnouncementLag}
 * @param announceDelayMillis how long our announcements to a peer that choked us are collected before they go out
 *     as one IHave ({@code announce-delay}; 0: one IHave per message, at once), see {@link Announcements}
 * @param unchokeMarginMillis by how much a choked peer's push would have had to beat our first copy for its
 *     announcement to count as first ({@code unchoke-margin}; hysteresis against queueing on a loaded node)
 */
record ChokeSettings(boolean enabled, int dNonChoke, int intervalTicks, int minMessages, double firstShare,
    int churn, long iWantDelayMillis, long announceDelayMillis, long unchokeMarginMillis) {

  public ChokeSettings {
    if (dNonChoke < 1 || intervalTicks < 1 || minMessages < 1 || churn < 1 || !(firstShare > 0 && firstShare < 1)
        || iWantDelayMillis < 0 || announceDelayMillis < 0
        || unchokeMarginMillis < 0) {
      throw new IllegalArgumentException("pubsub choke needs d-non-choke, interval-ticks, min-messages and churn >= 1,"
          + " first-share in (0, 1) and iwant-delay, announce-delay, unchoke-margin >= 0");
    }
  }

  static ChokeSettings fromConfig(Config choke) {
    return new ChokeSettings(choke.getBoolean("enabled"), choke.getInt("d-non-choke"), choke.getInt("interval-ticks"),
        choke.getInt("min-messages"), choke.getDouble("first-share"), choke.getInt("churn"),
        choke.getDuration("iwant-delay").toMillis(), choke.getDuration("announce-delay").toMillis(),
        choke.getDuration("unchoke-margin").toMillis());
  }
}
