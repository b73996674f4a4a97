package org.quicmesh.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.quicmesh.dht.DhtSettings;
import org.quicmesh.nat.NatSettings;
import org.quicmesh.pubsub.PubSubSettings;
import org.quicmesh.transport.quic.QuicTransportConfig;
import org.quicmesh.wire.Contact.Addresses;

class ProfilesTest {

  private static MeshConfig withProfile(String application, String profile) {
    return MeshConfig.fromConfig(Profiles.stack(ConfigFactory.parseString(application), profile));
  }

  @Test
  void everyProfileLoadsIntoValidSettingsOfEveryLayer() {
    for (String name : Profiles.NAMES) {
      MeshConfig config = withProfile("", name);
      Config raw = config.raw();
      DhtSettings.fromConfig(raw.getConfig("dht"), config.requestTimeout());
      PubSubSettings.fromConfig(raw.getConfig("pubsub"));
      NatSettings.fromConfig(raw.getConfig("nat"));
      QuicTransportConfig.fromConfig(config.transport(), new InetSocketAddress("192.0.2.1", 4000));
      assertTrue(Profiles.profile(name).hasPath("quicmesh.transport.request-timeout"), name);
    }
  }

  @Test
  void aProfileReplacesDefaultsItSetsAndKeepsTheRest() {
    MeshConfig wan = withProfile("", "wan");
    MeshConfig none = withProfile("", "");
    assertEquals(Duration.ofSeconds(10), wan.requestTimeout());
    assertEquals(1350, wan.transport().getInt("max-udp-payload"));
    assertEquals(Duration.ofSeconds(20), wan.raw().getDuration("nat.keepalive.interval"));
    assertEquals(Duration.ofMillis(500), withProfile("", "local").raw().getDuration("pubsub.heartbeat"));
    assertEquals(none.raw().getInt("pubsub.d"), wan.raw().getInt("pubsub.d"), "not in the profile: the default");
    assertEquals(Duration.ofSeconds(5), none.requestTimeout());
  }

  @Test
  void applicationSettingsAndFlagsOverrideTheProfile() {
    MeshConfig config = withProfile("quicmesh.transport.request-timeout = 7s", "wan");
    assertEquals(Duration.ofSeconds(7), config.requestTimeout());
    assertEquals(Duration.ofSeconds(20), config.raw().getDuration("nat.keepalive.interval"));
    assertEquals(Duration.ofSeconds(3), config.withRequestTimeout(Duration.ofSeconds(3)).raw()
        .getDuration("transport.request-timeout"));
  }

  @Test
  void theProfileSettingItselfSelectsAProfile() {
    assertEquals(Duration.ofSeconds(3), withProfile("quicmesh.profile = lan", null).requestTimeout());
  }

  @Test
  void anUnknownProfileIsRefusedNamingTheKnownOnes() {
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> withProfile("", "moon"));
    assertTrue(refused.getMessage().contains("local, lan, wan"), refused.getMessage());
  }

  @Test
  void theRenderedConfigurationNamesWhereEachValueCameFrom() {
    String rendered = withProfile("", "wan").withListen(Addresses.parse("127.0.0.1:4000")).render();
    assertTrue(rendered.matches("(?s).*#[^\\n]*wan\\.conf[^\\n]*\\n\\s*\"?request-timeout\"?\\s*[=:]\\s*\"?10s.*"),
        rendered);
    assertTrue(rendered.matches("(?s).*#[^\\n]*reference\\.conf[^\\n]*\\n\\s*\"?d\"?\\s*[=:]\\s*6.*"), rendered);
    assertTrue(rendered.matches("(?s).*# " + MeshConfig.OVERRIDE + "\\n\\s*\"?listen\"?\\s*[=:]\\s*\"127.0.0.1:4000\".*"),
        rendered);
  }
}
