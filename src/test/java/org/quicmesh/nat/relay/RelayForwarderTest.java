package org.quicmesh.nat.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quicmesh.nat.ManualClock;
import org.quicmesh.transport.DatagramKind;
import org.quicmesh.transport.RelayFrame;
import org.quicmesh.transport.RelayFrame.Direction;

/** The relay's data plane: what it passes between the two ends of a session, and what it drops and why. */
class RelayForwarderTest {
  private static final InetSocketAddress END_A = new InetSocketAddress("198.51.100.10", 40000);
  private static final InetSocketAddress END_B = new InetSocketAddress("192.0.2.20", 50000);
  private static final InetSocketAddress STRANGER = new InetSocketAddress("203.0.113.66", 666);
  private static final long SESSION_A = 0x0A0A_0A0A_0A0A_0A0AL;
  private static final long SESSION_B = 0x0B0B_0B0B_0B0B_0B0BL;
  /** The smallest burst a forwarder's buckets allow, whatever the configured rate. */
  private static final int MIN_BURST = 64 * 1024;

  private final FakeDatagramPlane plane = new FakeDatagramPlane();
  private final ManualClock clock = new ManualClock();
  private RelayForwarder forwarder;

  @AfterEach
  void closeForwarder() {
    if (forwarder != null) {
      forwarder.close();
    }
  }

  private static RelaySettings limits(long sessionBytesPerSecond, long totalBytesPerSecond) {
    return new RelaySettings(true, 8, 8, Duration.ofMinutes(10), Duration.ofMinutes(2), sessionBytesPerSecond,
        totalBytesPerSecond);
  }

  private RelayForwarder openSession(RelaySettings settings) {
    forwarder = new RelayForwarder(plane, clock, settings);
    forwarder.open(SESSION_A, END_A, SESSION_B, END_B);
    return forwarder;
  }

  private RelayForwarder openSession() {
    return openSession(RelaySettings.defaults().withEnabled(true));
  }

  private static byte[] toRelay(long session, byte[] payload) {
    return new RelayFrame(Direction.TO_RELAY, session, payload).toBytes();
  }

  private static byte[] payload(int size) {
    byte[] payload = new byte[size];
    for (int i = 0; i < size; i++) {
      payload[i] = (byte) (0x40 + i);
    }
    return payload;
  }

  @Test
  void listensForRelayDatagramsUntilClosed() {
    forwarder = new RelayForwarder(plane, clock, RelaySettings.defaults());
    assertEquals(1, plane.listenerCount(DatagramKind.RELAY));

    forwarder.close();

    assertEquals(0, plane.listenerCount(DatagramKind.RELAY));
  }

  @Test
  void aFrameFromOneEndReachesTheOtherEndRewrittenFromTheRelayWithItsSession() {
    openSession();
    byte[] payload = payload(100);

    plane.receive(END_A, toRelay(SESSION_A, payload));

    assertEquals(1, plane.sent.size());
    FakeDatagramPlane.Sent out = plane.sent.get(0);
    assertEquals(END_B, out.to());
    RelayFrame frame = RelayFrame.parse(out.payload()).orElseThrow();
    assertEquals(Direction.FROM_RELAY, frame.direction());
    assertEquals(SESSION_B, frame.session());
    assertArrayEquals(payload, frame.payload());
  }

  @Test
  void framesFlowTheOtherWayToo() {
    openSession();
    byte[] payload = payload(10);

    plane.receive(END_B, toRelay(SESSION_B, payload));

    FakeDatagramPlane.Sent out = plane.sent.get(0);
    assertEquals(END_A, out.to());
    assertEquals(new RelayFrame(Direction.FROM_RELAY, SESSION_A, payload).toBytes().length, out.payload().length);
    RelayFrame frame = RelayFrame.parse(out.payload()).orElseThrow();
    assertEquals(SESSION_A, frame.session());
    assertArrayEquals(payload, frame.payload());
  }

  @Test
  void theReceivedDatagramIsNotModifiedInPlace() {
    openSession();
    byte[] in = toRelay(SESSION_A, payload(10));
    byte[] copy = in.clone();

    plane.receive(END_A, in);

    assertArrayEquals(copy, in);
  }

  @Test
  void forwardedPacketsAndPayloadBytesAreCounted() {
    openSession();

    plane.receive(END_A, toRelay(SESSION_A, payload(100)));
    plane.receive(END_B, toRelay(SESSION_B, payload(50)));

    assertEquals(2, forwarder.packetsForwarded());
    assertEquals(150, forwarder.bytesForwarded(), "payload bytes, headers not counted");
    assertTrue(forwarder.dropped().isEmpty());
  }

  @Test
  void aFrameNamingNoOpenSessionIsDroppedAsUnknownSession() {
    openSession();

    plane.receive(END_A, toRelay(12345L, payload(10)));

    assertTrue(plane.sent.isEmpty());
    assertEquals(Map.of("unknown-session", 1L), forwarder.dropped());
  }

  @Test
  void aFrameFromAnotherAddressThanTheEndsIsDroppedAsSpoofed() {
    openSession();

    plane.receive(STRANGER, toRelay(SESSION_A, payload(10)));

    assertTrue(plane.sent.isEmpty());
    assertEquals(Map.of("spoofed-source", 1L), forwarder.dropped());
  }

  @Test
  void anEndCannotSendInTheOtherEndsName() {
    openSession();

    plane.receive(END_B, toRelay(SESSION_A, payload(10)));

    assertTrue(plane.sent.isEmpty());
    assertEquals(Map.of("spoofed-source", 1L), forwarder.dropped());
  }

  @Test
  void theSameHostOnAnotherPortIsNotTheEnd() {
    openSession();

    plane.receive(new InetSocketAddress(END_A.getAddress(), END_A.getPort() + 1), toRelay(SESSION_A, payload(10)));

    assertEquals(Map.of("spoofed-source", 1L), forwarder.dropped());
  }

  @Test
  void aFrameTravellingFromTheRelayIsDroppedAsWrongDirection() {
    openSession();

    plane.receive(END_A, new RelayFrame(Direction.FROM_RELAY, SESSION_A, payload(10)).toBytes());

    assertTrue(plane.sent.isEmpty());
    assertEquals(Map.of("wrong-direction", 1L), forwarder.dropped());
  }

  @Test
  void aFrameWithAnUnknownDirectionByteIsDroppedAsWrongDirection() {
    openSession();
    byte[] frame = toRelay(SESSION_A, payload(10));
    frame[RelayFrame.DIRECTION_AT] = 7;

    plane.receive(END_A, frame);

    assertTrue(plane.sent.isEmpty());
    assertEquals(Map.of("wrong-direction", 1L), forwarder.dropped());
  }

  @Test
  void aSessionOverItsBandwidthIsDroppedAsSessionOverLimit() {
    openSession(limits(1_000, 100L * 1024 * 1024));
    plane.receive(END_A, toRelay(SESSION_A, payload(MIN_BURST)));
    assertEquals(1, plane.sent.size(), "the burst passes");

    plane.receive(END_A, toRelay(SESSION_A, payload(10)));

    assertEquals(1, plane.sent.size());
    assertEquals(Map.of("session-over-limit", 1L), forwarder.dropped());
  }

  @Test
  void bothDirectionsOfASessionHaveTheirOwnBandwidth() {
    openSession(limits(1_000, 100L * 1024 * 1024));
    plane.receive(END_A, toRelay(SESSION_A, payload(MIN_BURST)));

    plane.receive(END_B, toRelay(SESSION_B, payload(MIN_BURST)));

    assertEquals(2, plane.sent.size());
    assertTrue(forwarder.dropped().isEmpty());
  }

  @Test
  void aSessionOverItsBandwidthPassesAgainAsTheBucketRefills() {
    openSession(limits(1_000, 100L * 1024 * 1024)); // 1 byte per ms
    plane.receive(END_A, toRelay(SESSION_A, payload(MIN_BURST)));

    clock.advanceMillis(100);
    plane.receive(END_A, toRelay(SESSION_A, payload(100)));
    plane.receive(END_A, toRelay(SESSION_A, payload(1)));

    assertEquals(2, plane.sent.size(), "the burst and the 100 bytes refilled in 100 ms");
    assertEquals(Map.of("session-over-limit", 1L), forwarder.dropped());
  }

  @Test
  void allSessionsTogetherOverTheRelaysBandwidthAreDroppedAsRelayOverLimit() {
    long large = 100L * 1024 * 1024;
    openSession(limits(large, 1_000));
    forwarder.open(21L, STRANGER, 22L, END_B);
    plane.receive(END_A, toRelay(SESSION_A, payload(MIN_BURST)));

    plane.receive(STRANGER, toRelay(21L, payload(10)));

    assertEquals(1, plane.sent.size());
    assertEquals(Map.of("relay-over-limit", 1L), forwarder.dropped());
  }

  @Test
  void closingOneEndClosesBoth() {
    openSession();

    assertTrue(forwarder.close(SESSION_B));

    assertFalse(forwarder.isOpen(SESSION_A));
    assertFalse(forwarder.isOpen(SESSION_B));
    assertEquals(0, forwarder.sessions());
  }

  @Test
  void afterCloseFramesOfEitherEndAreUnknown() {
    openSession();
    forwarder.close(SESSION_A);

    plane.receive(END_A, toRelay(SESSION_A, payload(10)));
    plane.receive(END_B, toRelay(SESSION_B, payload(10)));

    assertTrue(plane.sent.isEmpty());
    assertEquals(Map.of("unknown-session", 2L), forwarder.dropped());
  }

  @Test
  void closingASessionThatIsNotOpenSaysSo() {
    openSession();
    forwarder.close(SESSION_A);

    assertFalse(forwarder.close(SESSION_A));
    assertFalse(forwarder.close(SESSION_B));
    assertFalse(forwarder.close(999L));
  }

  @Test
  void closingOneSessionLeavesTheOthersOpen() {
    openSession();
    forwarder.open(21L, STRANGER, 22L, END_B);

    forwarder.close(SESSION_A);

    assertEquals(1, forwarder.sessions());
    assertTrue(forwarder.isOpen(21L));
    assertTrue(forwarder.isOpen(22L));
  }

  @Test
  void aSessionCountsOnceThoughItHasTwoEnds() {
    openSession();
    forwarder.open(21L, STRANGER, 22L, END_B);

    assertEquals(2, forwarder.sessions());
    assertTrue(forwarder.isOpen(SESSION_A));
    assertTrue(forwarder.isOpen(SESSION_B));
  }

  @Test
  void aNewSessionWasLastActiveWhenItOpened() {
    long openedAt = clock.millis();
    openSession();
    clock.advanceMillis(5_000);

    assertEquals(Optional.of(openedAt), forwarder.lastActiveMillis(SESSION_A));
    assertEquals(Optional.of(openedAt), forwarder.lastActiveMillis(SESSION_B));
  }

  @Test
  void aForwardedFrameFromEitherEndMakesTheWholeSessionActive() {
    openSession();
    clock.advanceMillis(5_000);
    long now = clock.millis();

    plane.receive(END_B, toRelay(SESSION_B, payload(10)));

    assertEquals(Optional.of(now), forwarder.lastActiveMillis(SESSION_A));
    assertEquals(Optional.of(now), forwarder.lastActiveMillis(SESSION_B));
  }

  @Test
  void aDroppedFrameDoesNotKeepASessionActive() {
    long openedAt = clock.millis();
    openSession();
    clock.advanceMillis(5_000);

    plane.receive(STRANGER, toRelay(SESSION_A, payload(10)));
    plane.receive(END_A, new RelayFrame(Direction.FROM_RELAY, SESSION_A, payload(10)).toBytes());

    assertEquals(Optional.of(openedAt), forwarder.lastActiveMillis(SESSION_A));
  }

  @Test
  void aClosedSessionHasNoLastActivity() {
    openSession();
    forwarder.close(SESSION_A);

    assertTrue(forwarder.lastActiveMillis(SESSION_A).isEmpty());
    assertTrue(forwarder.lastActiveMillis(SESSION_B).isEmpty());
  }

  @Test
  void closingTheForwarderEndsAllSessions() {
    openSession();

    forwarder.close();

    assertEquals(0, forwarder.sessions());
    assertFalse(forwarder.isOpen(SESSION_A));
  }
}
