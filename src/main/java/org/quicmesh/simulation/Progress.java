package org.quicmesh.simulation;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Where a long run stands, one line at a time: the phase, counts done of total, virtual and wall time, and an estimate
 * of the time the phase has left from its rate so far (a phase counts as begun at the report before the first that
 * names it). A line is printed when a phase starts or completes; otherwise at
 * most one a second of wall time, and only once another percent is done or ten seconds passed, so a run of any size
 * prints a few hundred lines at most. Not thread-safe: a run reports from one thread.
 */
public final class Progress {

  /** A run's state as a scenario sees it: {@code total} 0 when the phase has no count (a settle wait). */
  public record Status(String phase, long done, long total, String detail) {
    public Status {
      Objects.requireNonNull(phase, "phase");
      Objects.requireNonNull(detail, "detail");
    }

    public static Status of(String phase, long done, long total) {
      return new Status(phase, done, total, "");
    }

    public Status with(String detail) {
      return new Status(phase, done, total, detail);
    }
  }

  /** Runs that have no virtual time (real sockets) report this instead. */
  public static final long NO_VIRTUAL_TIME = -1;

  static final long MIN_GAP_NANOS = Duration.ofSeconds(1).toNanos();
  static final long HEARTBEAT_NANOS = Duration.ofSeconds(10).toNanos();
  private static final double STEP = 0.01;

  private final Consumer<String> lines;
  private final LongSupplier wallNanos;
  private final long startNanos;
  private String phase;
  private long phaseStartNanos;
  private long phaseStartDone;
  private long lastLineNanos;
  private long lastReportNanos;
  private double lastLineFraction;
  private boolean phaseCompleted;

  /** {@code wallNanos}: a monotonic wall clock (tests inject their own). */
  public Progress(Consumer<String> lines, LongSupplier wallNanos) {
    this.lines = Objects.requireNonNull(lines, "lines");
    this.wallNanos = Objects.requireNonNull(wallNanos, "wallNanos");
    this.startNanos = wallNanos.getAsLong();
    this.lastReportNanos = startNanos;
  }

  /** Lines to {@code lines}, on the machine's monotonic clock. */
  public static Progress to(Consumer<String> lines) {
    return new Progress(lines, System::nanoTime);
  }

  /** Prints nothing. */
  public static Progress quiet() {
    return to(line -> { });
  }

  /** Notes where the run stands; prints a line if one is due (see the class comment). */
  public void report(Status status, long virtualMillis) {
    long now = wallNanos.getAsLong();
    boolean newPhase = !status.phase().equals(phase);
    if (newPhase) {
      // Runs report every step, so the phase began after the last report, from nothing done.
      phase = status.phase();
      phaseStartNanos = lastReportNanos;
      phaseStartDone = 0;
      phaseCompleted = false;
    }
    lastReportNanos = now;
    boolean completes = status.total() > 0 && status.done() >= status.total() && !phaseCompleted;
    double fraction = fraction(status);
    boolean due = now - lastLineNanos >= MIN_GAP_NANOS
        && (fraction - lastLineFraction >= STEP || now - lastLineNanos >= HEARTBEAT_NANOS);
    if (newPhase || completes || due) {
      phaseCompleted |= completes;
      lastLineNanos = now;
      lastLineFraction = fraction;
      lines.accept(line(status, virtualMillis, now));
    }
  }

  private static double fraction(Status status) {
    return status.total() > 0 ? Math.min(1.0, status.done() / (double) status.total()) : 0;
  }

  private String line(Status status, long virtualMillis, long now) {
    StringBuilder line = new StringBuilder(status.phase());
    if (status.total() > 0) {
      line.append(String.format(Locale.ROOT, " %d/%d (%.0f%%)", status.done(), status.total(),
          100 * fraction(status)));
    } else if (status.done() > 0) {
      line.append(' ').append(status.done());
    }
    if (virtualMillis != NO_VIRTUAL_TIME) {
      line.append(", virtual ").append(human(virtualMillis / 1000.0));
    }
    line.append(", wall ").append(human((now - startNanos) / 1e9));
    estimateLeft(status, now).ifPresent(left -> line.append(", about ").append(human(left)).append(" left"));
    if (!status.detail().isEmpty()) {
      line.append(": ").append(status.detail());
    }
    return line.toString();
  }

  /** Seconds the phase has left at its rate since it started, when there is a rate to go by. */
  java.util.Optional<Double> estimateLeft(Status status, long now) {
    long doneInPhase = status.done() - phaseStartDone;
    double elapsed = (now - phaseStartNanos) / 1e9;
    if (status.total() <= 0 || doneInPhase <= 0 || elapsed <= 0 || status.done() >= status.total()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of((status.total() - status.done()) * elapsed / doneInPhase);
  }

  /** 4.2 s, 95 s, 12 min, 2.5 h: as precise as a progress line needs. */
  static String human(double seconds) {
    if (seconds < 10) {
      return String.format(Locale.ROOT, "%.1f s", seconds);
    }
    if (seconds < 120) {
      return String.format(Locale.ROOT, "%.0f s", seconds);
    }
    if (seconds < 7200) {
      return String.format(Locale.ROOT, "%.0f min", seconds / 60);
    }
    return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
  }
}
