package org.quicmesh.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class RoutingSettingsTest {
  @Test
  void referenceConfMatchesTheDefaults() {
    RoutingSettings fromConf = RoutingSettings.fromConfig(ConfigFactory.load().getConfig("quicmesh.dht"));
    assertEquals(RoutingSettings.defaults(), fromConf);
  }

  @Test
  void kBoundsOutOfOrderAreRejected() {
    RoutingSettings d = RoutingSettings.defaults();
    assertThrows(IllegalArgumentException.class, () -> new RoutingSettings(35, 10, 30, 8, 3, d.probeExpiry(),
        d.bucketRefreshInterval(), d.churnWindow(), 0.5));
  }
}
