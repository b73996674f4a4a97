package org.quicmesh.nat.relay;

import java.time.Duration;

/**
 * When a relay republishes its advertisement (config {@code quicmesh.nat.relay.advertise}): each new version is a
 * new endpoint record in the DHT, whose holders accept only so many stores per peer and minute.
 *
 * @param minInterval never two advertisements closer than this
 * @param loadStep the load bands (permille): a load change matters once it leaves its band
 * @param loadHysteresis how far (permille) beyond its band the load must go, so a load hovering at a band's edge does
 *     not flap
 */
public record RelayAdvertiseSettings(Duration minInterval, int loadStep, int loadHysteresis) {
  public RelayAdvertiseSettings {
    if (minInterval.isNegative()) {
      throw new IllegalArgumentException("advertise min-interval must not be negative");
    }
    if (loadStep < 1 || loadStep > 1000 || loadHysteresis < 0 || loadHysteresis >= loadStep) {
      throw new IllegalArgumentException("advertise load-step must be 1..1000 and load-hysteresis 0..step-1");
    }
  }

  public static RelayAdvertiseSettings fromConfig(com.typesafe.config.Config c) {
    return new RelayAdvertiseSettings(c.getDuration("min-interval"), c.getInt("load-step"),
        c.getInt("load-hysteresis"));
  }

  public static RelayAdvertiseSettings defaults() {
    return new RelayAdvertiseSettings(Duration.ofSeconds(30), 100, 20);
  }
}
