package org.quicmesh.virtualtime;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A {@link Clock} reading a {@link VirtualTimeScheduler}'s virtual time, so protocol code that takes an injected
 * {@code java.time.Clock} runs unchanged in simulations. Virtual time 0 is {@link #ORIGIN}.
 */
public final class VirtualClock extends Clock {
  /** The instant virtual time starts at: a fixed date keeps runs reproducible. */
  public static final Instant ORIGIN = Instant.parse("2026-01-01T00:00:00Z");

  private final VirtualTimeScheduler scheduler;
  private final ZoneId zone;

  VirtualClock(VirtualTimeScheduler scheduler) {
    this(scheduler, ZoneOffset.UTC);
  }

  private VirtualClock(VirtualTimeScheduler scheduler, ZoneId zone) {
    this.scheduler = scheduler;
    this.zone = zone;
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return new VirtualClock(scheduler, zone);
  }

  @Override
  public Instant instant() {
    return ORIGIN.plusNanos(scheduler.nanoTime());
  }

  @Override
  public long millis() {
    return ORIGIN.toEpochMilli() + scheduler.nowMillis();
  }
}
