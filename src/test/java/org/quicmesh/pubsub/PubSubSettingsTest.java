package org.quicmesh.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PubSubSettingsTest {
  private static Config reference() {
    return ConfigFactory.defaultReference().getConfig("quicmesh.pubsub");
  }

  @Test
  void defaultsAreTheGossipSubParametersOfReferenceConf() {
    PubSubSettings s = PubSubSettings.defaults();
    assertEquals(6, s.d());
    assertEquals(4, s.dLow());
    assertEquals(12, s.dHigh());
    assertEquals(6, s.dLazy());
    assertEquals(0.25, s.gossipFactor());
    assertEquals(Duration.ofSeconds(1), s.heartbeat());
    assertEquals(Duration.ofSeconds(60), s.fanoutTtl());
    assertEquals(Duration.ofSeconds(60), s.pruneBackoff());
    assertEquals(Duration.ofSeconds(10), s.unsubscribeBackoff());
    assertEquals(6, s.prunePeers());
    assertEquals(3, s.mcacheGossip());
    assertEquals(120, s.mcacheLen());
    assertEquals(8L << 20, s.mcacheMaxBytes());
    assertEquals(10_000, s.seenCacheSize());
    assertEquals(Duration.ofMinutes(2), s.seenTtl());
    assertEquals(4_194_304L, s.maxPeerQueueBytes());
    assertEquals(true, s.floodPublish());
    assertEquals(4, s.dFast());
    assertEquals(new ChokeSettings(true, 3, 1, 10, 0.25, 3, 50, 250, 2), s.choke());
  }

  @Test
  void latencyAndChokeSettingsOutOfRangeAreRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> PubSubSettings.fromConfig(reference().withValue("d-fast", ConfigValueFactory.fromAnyRef(7))));
    assertThrows(IllegalArgumentException.class,
        () -> PubSubSettings.fromConfig(reference().withValue("choke.first-share", ConfigValueFactory.fromAnyRef(1))));
    assertThrows(IllegalArgumentException.class,
        () -> PubSubSettings.fromConfig(reference().withValue("choke.d-non-choke", ConfigValueFactory.fromAnyRef(0))));
  }

  @Test
  void degreesOutOfOrderAreRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> PubSubSettings.fromConfig(reference().withValue("d-low", ConfigValueFactory.fromAnyRef(7))));
    assertThrows(IllegalArgumentException.class,
        () -> PubSubSettings.fromConfig(reference().withValue("d-high", ConfigValueFactory.fromAnyRef(5))));
    assertThrows(IllegalArgumentException.class,
        () -> PubSubSettings.fromConfig(reference().withValue("d-low", ConfigValueFactory.fromAnyRef(0))));
  }

  @Test
  void gossipWindowsMustFitTheCacheLength() {
    assertThrows(IllegalArgumentException.class,
        () -> PubSubSettings.fromConfig(reference().withValue("mcache-gossip", ConfigValueFactory.fromAnyRef(121))));
  }

  @Test
  void cacheHistoryMustNotOutlastTheSeenCache() {
    // 121 one-second heartbeats against a 2-minute seen-ttl: an answer could reach a peer that forgot the id.
    assertThrows(IllegalArgumentException.class,
        () -> PubSubSettings.fromConfig(reference().withValue("mcache-len", ConfigValueFactory.fromAnyRef(121))));
    assertThrows(IllegalArgumentException.class,
        () -> PubSubSettings.fromConfig(reference().withValue("mcache-max-bytes", ConfigValueFactory.fromAnyRef(0))));
  }

  @Test
  void backoffLongerThanTheWireAllowsIsRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> PubSubSettings.fromConfig(reference().withValue("prune-backoff", ConfigValueFactory.fromAnyRef("2h"))));
  }

  @Test
  void peerExchangeLargerThanAPruneCarriesIsRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> PubSubSettings.fromConfig(reference().withValue("prune-peers", ConfigValueFactory.fromAnyRef(33))));
  }
}
