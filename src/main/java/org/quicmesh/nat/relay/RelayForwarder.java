package org.quicmesh.nat.relay;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;
import org.quicmesh.dht.TokenBucket;
import org.quicmesh.transport.Datagram;
import org.quicmesh.transport.DatagramKind;
import org.quicmesh.transport.DatagramPlane;
import org.quicmesh.transport.RelayFrame;

/**
 * The data plane of a relay: passes {@link RelayFrame}s between the two ends of each session, on the transport's
 * thread (no actor hop per packet). Each end has its own session id; a frame is accepted only from the address that
 * end was seen at when the session opened, within the session's and the relay's bandwidth. What it drops, it counts
 * by reason: {@code unknown-session}, {@code spoofed-source}, {@code wrong-direction}, {@code session-over-limit},
 * {@code relay-over-limit}.
 *
 * <p>The payload stays as the peers sent it: QUIC packets encrypted and authenticated end to end, which the relay can
 * neither read nor forge.
 */
public final class RelayForwarder implements AutoCloseable {
  private final DatagramPlane plane;
  private final Clock clock;
  private final RelaySettings settings;
  private final ConcurrentMap<Long, Leg> legs = new ConcurrentHashMap<>();
  private final TokenBucket total;
  private final LongAdder packets = new LongAdder();
  private final LongAdder bytes = new LongAdder();
  private final Map<String, LongAdder> dropped = new ConcurrentHashMap<>();
  private final DatagramPlane.Registration registration;

  /** One end of a session: frames from {@code owner} naming {@code session} go to the other end. */
  private static final class Leg {
    final long session;
    final InetSocketAddress owner;
    final TokenBucket bucket;
    volatile Leg other;
    volatile long lastActiveMillis;

    Leg(long session, InetSocketAddress owner, TokenBucket bucket, long now) {
      this.session = session;
      this.owner = owner;
      this.bucket = bucket;
      this.lastActiveMillis = now;
    }
  }

  public RelayForwarder(DatagramPlane plane, Clock clock, RelaySettings settings) {
    this.plane = plane;
    this.clock = clock;
    this.settings = settings;
    this.total = bytesPerSecond(settings.totalBytesPerSecond(), clock.millis());
    this.registration = plane.listen(DatagramKind.RELAY, this::onDatagram);
  }

  /** Opens a session between end {@code a} (seen at {@code addressA}) and end {@code b}. */
  public void open(long sessionA, InetSocketAddress addressA, long sessionB, InetSocketAddress addressB) {
    long now = clock.millis();
    Leg a = new Leg(sessionA, addressA, bytesPerSecond(settings.sessionBytesPerSecond(), now), now);
    Leg b = new Leg(sessionB, addressB, bytesPerSecond(settings.sessionBytesPerSecond(), now), now);
    a.other = b;
    b.other = a;
    legs.put(sessionA, a);
    legs.put(sessionB, b);
  }

  /** Closes the session one of whose ends is {@code session}; false if there is none. */
  public boolean close(long session) {
    Leg leg = legs.remove(session);
    if (leg == null) {
      return false;
    }
    legs.remove(leg.other.session, leg.other);
    return true;
  }

  /** Whether a session id is in use (at either end). */
  public boolean isOpen(long session) {
    return legs.containsKey(session);
  }

  /** When either end of the session last sent a frame that was passed on, if the session is open. */
  public Optional<Long> lastActiveMillis(long session) {
    Leg leg = legs.get(session);
    return leg == null ? Optional.empty()
        : Optional.of(Math.max(leg.lastActiveMillis, leg.other.lastActiveMillis));
  }

  public int sessions() {
    return legs.size() / 2;
  }

  public long packetsForwarded() {
    return packets.sum();
  }

  public long bytesForwarded() {
    return bytes.sum();
  }

  /** Frames dropped, by reason. */
  public Map<String, Long> dropped() {
    Map<String, Long> result = new TreeMap<>();
    dropped.forEach((reason, count) -> result.put(reason, count.sum()));
    return result;
  }

  @Override
  public void close() {
    registration.cancel();
    legs.clear();
  }

  private void onDatagram(Datagram datagram) {
    ByteBuffer frame = ByteBuffer.wrap(datagram.payload());
    if (RelayFrame.direction(frame).orElse(null) != RelayFrame.Direction.TO_RELAY) {
      drop("wrong-direction");
      return;
    }
    Leg from = legs.get(RelayFrame.session(frame));
    if (from == null) {
      drop("unknown-session");
      return;
    }
    if (!from.owner.equals(datagram.sender())) {
      drop("spoofed-source");
      return;
    }
    int size = frame.remaining() - RelayFrame.HEADER_BYTES;
    long now = clock.millis();
    synchronized (this) {
      if (!from.bucket.tryTake(size, now)) {
        drop("session-over-limit");
        return;
      }
      if (!total.tryTake(size, now)) {
        drop("relay-over-limit");
        return;
      }
    }
    from.lastActiveMillis = now;
    Leg to = from.other;
    byte[] out = datagram.payload().clone();
    ByteBuffer.wrap(out)
        .put(RelayFrame.DIRECTION_AT, RelayFrame.Direction.FROM_RELAY.code())
        .putLong(RelayFrame.SESSION_AT, to.session);
    packets.increment();
    bytes.add(size);
    plane.send(to.owner, out);
  }

  private void drop(String reason) {
    dropped.computeIfAbsent(reason, r -> new LongAdder()).increment();
  }

  /** A bucket of {@code rate} bytes per second with one second of burst. */
  private static TokenBucket bytesPerSecond(long rate, long now) {
    return new TokenBucket(Math.max(rate, 64 * 1024), rate / 1000.0, now);
  }
}
