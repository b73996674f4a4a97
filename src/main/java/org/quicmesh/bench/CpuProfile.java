package org.quicmesh.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the CPU of a {@code bench mesh --profile} recording went: each JFR CPU sample goes to the first {@link
 * #CATEGORIES category} that any frame of its stack matches, in the order listed, so a CBOR decode inside a Pekko
 * stream counts as CBOR and a signature check inside the router as signatures. JFR samples threads running Java code
 * (up to a few per period) and threads in native code (one per period) separately, so the two are counted apart:
 * {@code java} shares are of the Java samples, {@code native} of the native ones (quiche, BoringSSL and socket calls;
 * threads waiting in epoll are idle and not counted). GC pauses and JIT compilation, on JVM threads that JFR does not
 * sample, are reported as times beside the shares.
 */
public final class CpuProfile {

  /** A category and the frames (type.method) that make a sample belong to it. */
  record Category(String name, Pattern frames) {}

  static final List<Category> CATEGORIES = List.of(
      new Category("signature checks (Ed25519 verify)", Pattern.compile("SignedMessages\\.verify")),
      new Category("signing own messages", Pattern.compile("SignedMessages\\.sign")),
      new Category("CBOR encode/decode and framing",
          Pattern.compile("com\\.fasterxml\\.jackson|wire\\.WireCodec|FrameCodec|StreamDecoder|StreamEncoder")),
      new Category("QUIC packets and crypto (quiche, BoringSSL)",
          Pattern.compile("io\\.netty\\.handler\\.codec\\.quic|io\\.netty\\.handler\\.ssl")),
      new Category("pubsub heartbeats", Pattern.compile("pubsub\\..*[hH]eartbeat")),
      new Category("RTT probes", Pattern.compile("pubsub\\..*([Rr]tt|[Pp]robe)")),
      new Category("DHT (lookups, upkeep)", Pattern.compile("org\\.quicmesh\\.dht\\.")),
      new Category("NAT (STUN, keepalives)", Pattern.compile("org\\.quicmesh\\.nat\\.")),
      new Category("UDP socket I/O and Netty event loops", Pattern.compile("io\\.netty\\.|sun\\.nio\\.ch\\.")),
      new Category("GossipSub routing logic", Pattern.compile("org\\.quicmesh\\.pubsub\\.")),
      new Category("Pekko streams (message stream stages)", Pattern.compile("org\\.apache\\.pekko\\.stream\\.")),
      new Category("actor hops (mailboxes, dispatch)", Pattern.compile("org\\.apache\\.pekko\\.")),
      new Category("bench driver", Pattern.compile("org\\.quicmesh\\.bench\\.")),
      new Category("other node code", Pattern.compile("org\\.quicmesh\\.")));

  static final String OTHER = "other (JDK, JVM)";

  /** Native frames where a thread waits rather than works. */
  private static final Pattern IDLE_NATIVE = Pattern.compile("EPoll\\.wait|\\.park|\\.sleep|select|accept|"
      + "FileInputStream\\.read|socketRead|Process");

  /**
   * @param java samples of threads in Java code per category, in {@link #CATEGORIES} order (then {@link #OTHER})
   * @param nativeCode samples of threads working in native code per category
   * @param gcPauses summed GC pause time
   * @param jitCompilation summed JIT compilation time (on the compiler threads)
   */
  public record Shares(Map<String, Long> java, Map<String, Long> nativeCode, Duration gcPauses,
      Duration jitCompilation, Duration recorded) {

    public String table() {
      long javaTotal = java.values().stream().mapToLong(Long::longValue).sum();
      long nativeTotal = nativeCode.values().stream().mapToLong(Long::longValue).sum();
      StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-46s %7s %7s %7s %7s%n", "where the CPU goes",
          "java", "share", "native", "share"));
      for (String name : java.keySet()) {
        long j = java.get(name);
        long n = nativeCode.get(name);
        if (j + n > 0) {
          sb.append(String.format(Locale.ROOT, "%-46s %7d %6.1f%% %7d %6.1f%%%n", name, j,
              100.0 * j / Math.max(1, javaTotal), n, 100.0 * n / Math.max(1, nativeTotal)));
        }
      }
      sb.append(String.format(Locale.ROOT, "%d Java and %d native CPU samples over %.1f s recorded; beside them: GC "
          + "pauses %.2f s, JIT compilation %.2f s%n", javaTotal, nativeTotal, recorded.toMillis() / 1000.0,
          gcPauses.toMillis() / 1000.0, jitCompilation.toMillis() / 1000.0));
      return sb.toString();
    }
  }

  private CpuProfile() {}

  public static Shares of(Path recording) throws IOException {
    Map<String, Long> java = emptyCounts();
    Map<String, Long> nativeCode = emptyCounts();
    Duration gc = Duration.ZERO;
    Duration jit = Duration.ZERO;
    java.time.Instant first = null;
    java.time.Instant last = null;
    try (RecordingFile file = new RecordingFile(recording)) {
      while (file.hasMoreEvents()) {
        RecordedEvent event = file.readEvent();
        String type = event.getEventType().getName();
        first = first == null || event.getStartTime().isBefore(first) ? event.getStartTime() : first;
        last = last == null || event.getEndTime().isAfter(last) ? event.getEndTime() : last;
        switch (type) {
          case "jdk.ExecutionSample" -> {
            java.merge(category(event.getStackTrace()), 1L, Long::sum);
          }
          case "jdk.NativeMethodSample" -> {
            RecordedStackTrace stack = event.getStackTrace();
            if (stack != null && !stack.getFrames().isEmpty() && !IDLE_NATIVE.matcher(frame(
                stack.getFrames().get(0))).find()) {
              nativeCode.merge(category(stack), 1L, Long::sum);
            }
          }
          case "jdk.GarbageCollection" -> gc = gc.plus(event.getDuration("sumOfPauses"));
          case "jdk.Compilation" -> jit = jit.plus(event.getDuration());
          default -> { }
        }
      }
    }
    Duration recorded = first == null ? Duration.ZERO : Duration.between(first, last);
    return new Shares(java, nativeCode, gc, jit, recorded);
  }

  private static Map<String, Long> emptyCounts() {
    Map<String, Long> counts = new LinkedHashMap<>();
    CATEGORIES.forEach(c -> counts.put(c.name(), 0L));
    counts.put(OTHER, 0L);
    return counts;
  }

  static String category(RecordedStackTrace stack) {
    if (stack == null) {
      return OTHER;
    }
    List<RecordedFrame> frames = stack.getFrames();
    for (Category category : CATEGORIES) {
      for (RecordedFrame frame : frames) {
        if (category.frames().matcher(frame(frame)).find()) {
          return category.name();
        }
      }
    }
    return OTHER;
  }

  private static String frame(RecordedFrame frame) {
    return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
  }
}
