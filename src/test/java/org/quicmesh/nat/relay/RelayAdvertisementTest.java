package org.quicmesh.nat.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.RelayService;

class RelayAdvertisementTest {
  /** 100 reservations, 50 sessions, 1,000,000 bytes/s in all. */
  private static final RelaySettings LIMITS = new RelaySettings(true, 100, 50, Duration.ofMinutes(10),
      Duration.ofMinutes(2), 100_000, 1_000_000);
  private static final RelayAdvertiseSettings EVERY_30S = new RelayAdvertiseSettings(Duration.ofSeconds(30), 100, 20);

  private final RelayAdvertisement ad = new RelayAdvertisement(LIMITS, EVERY_30S);

  @Test
  void theLoadIsTheFullestOfReservationsSessionsAndBandwidth() {
    assertEquals(0, ad.loadPermille(0, 0));
    assertEquals(300, ad.loadPermille(30, 5)); // reservations 30 %, sessions 10 %
    assertEquals(400, ad.loadPermille(30, 20)); // sessions 40 %
    ad.sampleForwarded(0, 0);
    ad.sampleForwarded(3_000_000, 5_000); // 600,000 bytes/s of 1,000,000
    assertEquals(600, ad.loadPermille(30, 20));
    ad.sampleForwarded(3_000_000, 10_000); // nothing since: the recent rate is 0
    assertEquals(400, ad.loadPermille(30, 20));
    ad.sampleForwarded(13_000_000, 11_000); // 10 MB/s, beyond the total: capped at full
    assertEquals(1000, ad.loadPermille(0, 0));
  }

  @Test
  void aRelayAtEitherCapStopsAccepting() {
    assertTrue(ad.current(99, 49).accepting());
    assertFalse(ad.current(100, 0).accepting());
    assertFalse(ad.current(0, 50).accepting());
    assertEquals(1000, ad.current(100, 0).loadPermille());
    assertEquals(RelayService.CURRENT, ad.current(0, 0).capabilities());
    assertTrue(ad.current(0, 0).offers(RelayService.RELAY));
    assertTrue(ad.current(0, 0).offers(RelayService.HOLE_PUNCH));
  }

  @Test
  void theFirstAdvertisementIsDueAtOnce() {
    assertEquals(Optional.of(new RelayService(true, 0, RelayService.CURRENT)), ad.due(0, 0, 1_000));
    assertEquals(Optional.empty(), ad.due(0, 0, 1_000)); // nothing changed
  }

  @Test
  void smallLoadChangesWithinTheBandAndItsHysteresisAreNotRepublished() {
    ad.due(30, 0, 0); // published at 300: band 300-399
    assertEquals(Optional.empty(), ad.due(39, 0, 60_000)); // 390: same band
    assertEquals(Optional.empty(), ad.due(41, 0, 60_000)); // 410: past the band, within the 20 of hysteresis
    assertEquals(Optional.empty(), ad.due(28, 0, 60_000)); // 280: below, within the hysteresis
    assertEquals(Optional.of(420), ad.due(42, 0, 60_000).map(RelayService::loadPermille));
    // published at 420 (band 400-499): going back to 390 is within the hysteresis, so a load at the edge does not flap
    assertEquals(Optional.empty(), ad.due(39, 0, 120_000));
    assertEquals(Optional.of(370), ad.due(37, 0, 120_000).map(RelayService::loadPermille));
  }

  @Test
  void acceptingFlipsAreMaterialButWaitForTheMinimumInterval() {
    ad.due(99, 0, 0);
    Optional<RelayService> tooSoon = ad.due(100, 0, 10_000);
    assertEquals(Optional.empty(), tooSoon, "within 30 s of the last advertisement");
    Optional<RelayService> later = ad.due(100, 0, 30_000);
    assertEquals(Optional.of(false), later.map(RelayService::accepting), "the held-back change is said once due");
    assertEquals(Optional.empty(), ad.due(100, 0, 31_000));
    assertEquals(Optional.of(true), ad.due(99, 0, 60_000).map(RelayService::accepting));
  }

  /** A relay whose load swings wildly every second still advertises at most once per minimum interval. */
  @Test
  void aBusyRelayAdvertisesAtMostOncePerMinimumInterval() {
    int published = 0;
    for (int second = 0; second < 600; second++) {
      int reservations = second % 2 == 0 ? 5 : 95;
      if (ad.due(reservations, 0, second * 1000L).isPresent()) {
        published++;
      }
    }
    assertEquals(20, published, "10 minutes at one per 30 s");
  }

  @Test
  void settingsRefuseAHysteresisAsWideAsTheStep() {
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new RelayAdvertiseSettings(Duration.ofSeconds(30), 100, 100));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new RelayAdvertiseSettings(Duration.ofSeconds(30), 0, 0));
  }
}
