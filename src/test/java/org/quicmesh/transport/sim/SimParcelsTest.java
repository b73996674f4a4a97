package org.quicmesh.transport.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.Keypair;

/** The parcels held for relay frames: claimed once, forgotten once expired; and the packet that names them. */
class SimParcelsTest {
  private final MutableClock clock = new MutableClock();
  /** A host only to name as the sender: no actor system needed, as nothing is sent. */
  private final SimParcel parcel = new SimParcel(
      new SimNetwork(null, clock, LatencyModel.constant(Duration.ZERO), 1).attach(Keypair.generate()),
      (host, observed) -> { });

  /** A clock the test moves. */
  private static final class MutableClock extends Clock {
    Instant now = Instant.EPOCH;

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void aParcelIsClaimedOnceByItsToken() {
    SimParcels parcels = new SimParcels(clock);
    long token = parcels.hold(parcel);
    assertNotEquals(token, parcels.hold(parcel), "every parcel has its own token");
    assertSame(parcel, parcels.claim(token));
    assertNull(parcels.claim(token), "a second copy of the frame finds nothing");
    assertNull(parcels.claim(12345), "nor does a token never handed out");
  }

  @Test
  void parcelsWhoseFramesWereLostAreForgottenAfterTheirTimeToLive() {
    SimParcels parcels = new SimParcels(clock);
    long lost = parcels.hold(parcel);
    parcels.hold(parcel);
    clock.now = clock.now.plus(SimParcels.TTL).plusMillis(1);
    assertNull(parcels.claim(lost), "too late to arrive");
    parcels.hold(parcel);
    assertEquals(1, parcels.size(), "expired parcels go when the next is held");
  }

  @Test
  void aPacketNamesItsTokenAndWeighsWhatItWasAskedTo() {
    byte[] packet = SimPacket.of(0x0102030405060708L, 300);
    assertEquals(300, packet.length);
    assertEquals(OptionalLong.of(0x0102030405060708L), SimPacket.token(packet, 0));
    assertEquals(SimPacket.MIN_BYTES, SimPacket.of(1, 0).length);
    assertEquals(OptionalLong.empty(), SimPacket.token(SimHosts.probe("not a packet"), 0));
    assertEquals(OptionalLong.empty(), SimPacket.token(new byte[] {SimPacket.MARKER, 1, 2}, 0), "too short");
    assertEquals(java.util.Optional.empty(), org.quicmesh.transport.DatagramKind.of(packet), "never STUN or a probe");
  }
}
