package org.quicmesh.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LookupSettingsTest {
  @Test
  void readsTheDocumentedDefaults() {
    LookupSettings s = LookupSettings.fromConfig(ConfigFactory.defaultReference().getConfig("quicmesh.dht"));
    assertEquals(new LookupSettings(3, 2, 5, 32, Duration.ofSeconds(1), 2, 3, true, 3, 3.0, Duration.ofMillis(250)), s);
    assertEquals(3, AdaptiveAlpha.fromSettings(s).current());
    assertEquals(LookupTuning.DEFAULT, s.tuning());
  }

  @Test
  void theSoftTimeoutIsAFewRttsWithAFloorAndTheFixedValueForUnknownContacts() {
    LookupSettings s = LookupSettings.fromConfig(ConfigFactory.defaultReference().getConfig("quicmesh.dht"));
    assertEquals(600, s.slowAfterMillis(java.util.OptionalDouble.of(200)));
    assertEquals(250, s.slowAfterMillis(java.util.OptionalDouble.of(20)));
    assertEquals(1000, s.slowAfterMillis(java.util.OptionalDouble.empty()));
  }
}
