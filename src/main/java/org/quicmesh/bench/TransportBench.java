package org.quicmesh.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.javadsl.Source;
import org.quicmesh.transport.quic.QuicTransportConfig;
import org.quicmesh.wire.Limits;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.RelayForward;

/**
 * One-way bulk transfer through the real transport: two {@link org.quicmesh.transport.quic.QuicTransport}s on
 * 127.0.0.1, the sender materialising {@code streamTo(receiver)}, the receiver consuming the source its
 * {@code onStream} got. Reports throughput and per-message latency per message size, with raw TCP loopback in the same
 * run as the machine's reference.
 *
 * <p>Messages travel as {@link RelayForward}s (the bytes-carrying message with the largest payload, 64 KiB): a message
 * of N bytes is ceil(N / 64 KiB) chunks; the first chunk's payload starts with the send time, and the last chunk marks
 * the end of the message by a negative session id ({@code -(index + 1)}; the other chunks carry {@code index}), so no
 * extra marker frame skews small messages. Latency is from when the sink pulled the first chunk to when the last chunk
 * reached the receiver's consumer, i.e. it includes the queueing of a saturated stream. Throughput counts payload
 * bytes only (CBOR and framing overhead are about 0.2% at 64 KiB chunks).
 *
 * <p>Usage: {@code TransportBench [--quick] [--levers | --no-levers] [--json]}: levers run by default except with
 * {@code --quick}. Numbers on a shared 2-core machine are noisy.
 */
public final class TransportBench {
  static final int CHUNK_BYTES = Limits.MAX_RELAY_PAYLOAD_BYTES;
  private static final int TIMESTAMP_BYTES = 8;
  private static final long TRANSFER_TIMEOUT_SECONDS = 120;
  private static final long LEVER_BYTES = 100L << 20;

  private TransportBench() {}

  /**
   * What to run.
   *
   * @param sizes message sizes in bytes
   * @param bytesPerSize payload bytes sent per size (at least one message)
   * @param maxMessagesPerSize cap on the message count per size (small messages)
   * @param tcpBytes bytes of the TCP loopback reference transfer
   * @param levers also compare {@link QuicTransportConfig} knobs (datagram size, socket buffer) at 1 MB messages
   */
  public record Options(List<Integer> sizes, long bytesPerSize, int maxMessagesPerSize, long tcpBytes,
      boolean levers) {
    public static final List<Integer> STANDARD_SIZES =
        List.of(1 << 10, 10 << 10, 100 << 10, 1 << 20, 10 << 20, 100 << 20);

    public Options {
      sizes = List.copyOf(sizes);
      if (sizes.isEmpty() || sizes.stream().anyMatch(s -> s < TIMESTAMP_BYTES)) {
        throw new IllegalArgumentException("sizes must be non-empty and at least " + TIMESTAMP_BYTES + " bytes");
      }
      if (bytesPerSize <= 0 || maxMessagesPerSize <= 0 || tcpBytes <= 0) {
        throw new IllegalArgumentException("budgets must be positive");
      }
    }

    /** Under a minute on a 2-core machine, levers included. */
    public static Options standard() {
      return new Options(STANDARD_SIZES, 300L << 20, 20_000, 1L << 30, true);
    }

    /** About 15 seconds. */
    public static Options quick() {
      return new Options(STANDARD_SIZES, 50L << 20, 5_000, 256L << 20, false);
    }

    public Options withLevers(boolean value) {
      return new Options(sizes, bytesPerSize, maxMessagesPerSize, tcpBytes, value);
    }
  }

  /** One transfer: {@code messages} messages of {@code messageBytes} each. */
  public record Transfer(String name, int messageBytes, int messages, double seconds, double mbitPerSecond,
      double p50Millis, double p99Millis) {}

  /**
   * A whole run.
   *
   * @param sizes message size in bytes to its transfer, in the order run
   * @param levers config variants at 1 MB messages (empty unless asked for)
   * @param tcpMbitPerSecond raw TCP loopback, one connection, 1 MB writes
   */
  public record Result(Map<Integer, Transfer> sizes, List<Transfer> levers, double tcpMbitPerSecond) {
    public Result {
      sizes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sizes));
      levers = List.copyOf(levers);
    }

    /** Human-readable tables. */
    public String table() {
      StringBuilder sb = new StringBuilder();
      sb.append("QuicTransport.streamTo on 127.0.0.1, QuicTransportConfig.loopback(), RelayForward 64 KiB chunks\n");
      appendRows(sb, sizes.values());
      if (!levers.isEmpty()) {
        sb.append("\nQuicTransportConfig knobs (1 MB messages)\n");
        appendRows(sb, levers);
      }
      sb.append(String.format(Locale.ROOT, "%nTCP loopback reference: %.0f Mbit/s%n", tcpMbitPerSecond));
      return sb.toString();
    }

    private static void appendRows(StringBuilder sb, Iterable<Transfer> rows) {
      sb.append(String.format(Locale.ROOT, "%-36s %8s %7s %8s %10s %10s %10s%n",
          "configuration", "message", "count", "seconds", "Mbit/s", "p50 ms", "p99 ms"));
      for (Transfer t : rows) {
        sb.append(String.format(Locale.ROOT, "%-36s %8s %7d %8.2f %10.0f %10.2f %10.2f%n", t.name(),
            human(t.messageBytes()), t.messages(), t.seconds(), t.mbitPerSecond(), t.p50Millis(), t.p99Millis()));
      }
    }

    /** One JSON object: {@code sizes} keyed by message bytes, {@code levers}, {@code tcp_mbit_s}. */
    public String json() {
      StringBuilder sb = new StringBuilder("{\"tcp_mbit_s\":").append(Math.round(tcpMbitPerSecond));
      sb.append(",\"sizes\":{");
      String sep = "";
      for (Map.Entry<Integer, Transfer> e : sizes.entrySet()) {
        sb.append(sep).append('"').append(e.getKey()).append("\":").append(json(e.getValue()));
        sep = ",";
      }
      sb.append("},\"levers\":[");
      sep = "";
      for (Transfer t : levers) {
        sb.append(sep).append(json(t));
        sep = ",";
      }
      return sb.append("]}").toString();
    }

    private static String json(Transfer t) {
      return String.format(Locale.ROOT, "{\"name\":\"%s\",\"message_bytes\":%d,\"messages\":%d,\"seconds\":%.3f,"
              + "\"mbit_s\":%.0f,\"p50_ms\":%.3f,\"p99_ms\":%.3f}", t.name().replace("\"", "'"), t.messageBytes(),
          t.messages(), t.seconds(), t.mbitPerSecond(), t.p50Millis(), t.p99Millis());
    }
  }

  public static void main(String[] args) throws Exception {
    List<String> flags = Arrays.asList(args);
    Options options = (flags.contains("--quick") ? Options.quick() : Options.standard())
        .withLevers(flags.contains("--levers") || !flags.contains("--quick") && !flags.contains("--no-levers"));
    Result result = run(options, System.err);
    System.out.println(flags.contains("--json") ? result.json() : result.table());
  }

  /** Runs the benchmark; progress lines go to {@code progress}. */
  public static Result run(Options options, PrintStream progress) throws Exception {
    Objects.requireNonNull(options, "options");
    ActorSystem system = ActorSystem.create("transport-bench");
    try {
      Map<Integer, Transfer> sizes = new LinkedHashMap<>();
      try (TransportPair pair = TransportPair.start(QuicTransportConfig.loopback())) {
        // Warm-up (dial, JIT, pools), not reported.
        transfer(system, pair, "warm-up", 1 << 20, Math.min(options.bytesPerSize(), 64L << 20), 1000, progress);
        for (int size : options.sizes()) {
          sizes.put(size, transfer(system, pair, "loopback()", size, options.bytesPerSize(),
              options.maxMessagesPerSize(), progress));
        }
      }
      List<Transfer> levers = new ArrayList<>();
      if (options.levers()) {
        for (Map.Entry<String, QuicTransportConfig> lever : levers().entrySet()) {
          try (TransportPair pair = TransportPair.start(lever.getValue())) {
            // Capped: the 1350-byte datagram variant is an order of magnitude slower.
            levers.add(transfer(system, pair, lever.getKey(), 1 << 20, Math.min(options.bytesPerSize(), LEVER_BYTES),
                options.maxMessagesPerSize(), progress));
          }
        }
      }
      double tcp = tcpReference(options.tcpBytes());
      progress.printf(Locale.ROOT, "  %-36s %8.0f Mbit/s%n", "tcp loopback", tcp);
      return new Result(sizes, levers, tcp);
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /**
   * The knobs that mattered in earlier measurements: datagram size and the socket receive buffer (shown by shrinking
   * it: Linux caps SO_RCVBUF at net.core.rmem_max, 4 MiB here, which the default already asks for).
   */
  static Map<String, QuicTransportConfig> levers() {
    Map<String, QuicTransportConfig> levers = new LinkedHashMap<>();
    QuicTransportConfig internet = QuicTransportConfig.defaults()
        .withBindAddress(QuicTransportConfig.loopback().bindAddress());
    levers.put("1350-B datagrams (defaults())", internet);
    levers.put("16 KiB datagrams", internet.withUdpPayloadSizes(16 * 1024, 16 * 1024));
    levers.put("32 KiB datagrams (loopback())", QuicTransportConfig.loopback());
    levers.put("loopback() + 256 KiB SO_RCVBUF", QuicTransportConfig.loopback().withSocketReceiveBufferBytes(256 << 10));
    return levers;
  }

  /** Streams min(budget / size, maxMessages) messages (at least one) of {@code size} bytes sender to receiver. */
  static Transfer transfer(ActorSystem system, TransportPair pair, String name, int size, long budget,
      int maxMessages, PrintStream progress) throws Exception {
    int messages = (int) Math.max(1, Math.min(maxMessages, budget / size));
    int chunks = (size + CHUNK_BYTES - 1) / CHUNK_BYTES;
    int lastChunkBytes = size - (chunks - 1) * CHUNK_BYTES;
    byte[] fullChunk = new byte[CHUNK_BYTES];
    byte[] lastChunk = new byte[lastChunkBytes];
    long[] latencies = new long[messages];
    AtomicLong payloadBytes = new AtomicLong();
    long start = System.nanoTime();
    CompletionStage<Done> sent = Source.range(0, messages * chunks - 1)
        .map(i -> chunk(pair, i / chunks, i % chunks, chunks, fullChunk, lastChunk))
        .runWith(pair.sender().streamTo(pair.receiverContact()), system);
    Source<Message, ?> inbound = pair.nextInboundStream(10, TimeUnit.SECONDS);
    long[] sentAt = {-1}; // send time of the message being received, -1 between messages
    CompletionStage<Done> received = inbound.runForeach(m -> {
      RelayForward chunk = (RelayForward) m;
      long session = chunk.sessionId();
      int index = (int) (session < 0 ? -session - 1 : session);
      if (sentAt[0] < 0) {
        sentAt[0] = ByteBuffer.wrap(chunk.payload()).getLong();
      }
      payloadBytes.addAndGet(chunk.payload().length);
      if (session < 0) {
        latencies[index] = System.nanoTime() - sentAt[0];
        sentAt[0] = -1;
      }
    }, system);
    received.toCompletableFuture().get(TRANSFER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - start) / 1e9;
    sent.toCompletableFuture().get(10, TimeUnit.SECONDS);
    if (payloadBytes.get() != (long) messages * size) {
      throw new IllegalStateException("received " + payloadBytes.get() + " payload bytes, sent "
          + (long) messages * size);
    }
    Arrays.sort(latencies);
    double mbit = (double) messages * size * 8 / seconds / 1e6;
    Transfer transfer = new Transfer(name, size, messages, seconds, mbit, latencies[messages / 2] / 1e6,
        latencies[Math.min(messages - 1, (int) (messages * 0.99))] / 1e6);
    progress.printf(Locale.ROOT, "  %-36s %8s x %6d %8.0f Mbit/s%n", name, human(size), messages, mbit);
    return transfer;
  }

  /** Chunk {@code k} of message {@code m}: payload arrays are shared except the first, which carries the send time. */
  private static Message chunk(TransportPair pair, int m, int k, int chunks, byte[] fullChunk, byte[] lastChunk) {
    boolean last = k == chunks - 1;
    byte[] payload = last ? lastChunk : fullChunk;
    if (k == 0) {
      payload = payload.clone();
      ByteBuffer.wrap(payload).putLong(System.nanoTime());
    }
    return new RelayForward(pair.senderContact(), last ? -(m + 1L) : m, payload);
  }

  /** Single-connection TCP loopback throughput with 1 MB writes, for reference. */
  static double tcpReference(long total) throws Exception {
    try (ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress("127.0.0.1", 0));
      CompletableFuture<Long> read = CompletableFuture.supplyAsync(() -> {
        try (SocketChannel s = server.accept()) {
          ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
          long n = 0;
          int r;
          while ((r = s.read(buf)) >= 0) {
            n += r;
            buf.clear();
          }
          return n;
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      long start = System.nanoTime();
      try (SocketChannel client = SocketChannel.open(server.getLocalAddress())) {
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        for (long sent = 0; sent < total; sent += buf.capacity()) {
          buf.clear();
          while (buf.hasRemaining()) {
            client.write(buf);
          }
        }
      }
      long n = read.get(60, TimeUnit.SECONDS);
      return n * 8 / ((System.nanoTime() - start) / 1e9) / 1e6;
    }
  }

  static String human(int bytes) {
    return bytes >= 1 << 20 ? (bytes >> 20) + " MB" : (bytes >> 10) + " KB";
  }
}
