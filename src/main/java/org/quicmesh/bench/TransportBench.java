package org.quicmesh.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.javadsl.Source;
import org.quicmesh.simulation.Progress;
import org.quicmesh.transport.quic.QuicTransportConfig;
import org.quicmesh.wire.Limits;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.RelayForward;

/**
 * One-way bulk transfer through the real transport, against raw UDP with the same datagram size measured in the same
 * run: two {@link org.quicmesh.transport.quic.QuicTransport}s on 127.0.0.1, the sender materialising {@code
 * streamTo(receiver)}, the receiver consuming the source its {@code onStream} got. One row per configuration and
 * message size: {@link QuicTransportConfig#defaults()} (1,350-byte datagrams, the internet size) first, then {@link
 * QuicTransportConfig#loopback()} (32 KiB datagrams); raw TCP loopback as the machine's reference.
 *
 * <p>Messages travel as {@link RelayForward}s (the bytes-carrying message with the largest payload, 64 KiB): a message
 * of N bytes is ceil(N / 64 KiB) chunks. Each chunk's session id carries its running sequence number in the row,
 * negative on the last chunk of a message ({@link ChunkSequence}), and the receiver checks it: a lost, duplicated or
 * reordered chunk fails the row. The first chunk's payload starts with the send time. Latency is from when the sink
 * pulled the first chunk to when the last chunk reached the receiver's consumer, i.e. it includes the queueing of a
 * saturated stream. Throughput counts payload bytes only (CBOR and framing overhead are about 0.2% at 64 KiB chunks).
 *
 * <p>Evidence per row, to see where the time goes: packets quiche sent and declared lost on the sender's connection,
 * its congestion window and RTT after the row, and Linux's UDP {@code RcvbufErrors} delta (system-wide, so other
 * programs' drops count too).
 *
 * <p>Usage: {@code TransportBench [--quick] [--levers] [--json]}. Numbers on a shared 2-core machine are noisy.
 */
public final class TransportBench {
  static final int CHUNK_BYTES = Limits.MAX_RELAY_PAYLOAD_BYTES;
  private static final int TIMESTAMP_BYTES = 8;
  private static final long TRANSFER_TIMEOUT_SECONDS = 120;
  private static final int LEVER_MESSAGE_BYTES = 1 << 20;
  private static final long LEVER_BYTES = 100L << 20;
  private static final long WARM_UP_BYTES = 32L << 20;
  static final int WARM_UP_SMALL_MESSAGES = 50_000;
  private static final int WARM_UP_MIN_ROUNDS = 4;
  private static final int WARM_UP_MAX_ROUNDS = 12;

  private TransportBench() {}

  /**
   * What to run. A configuration runs the sizes that fit its byte budget (so the slower internet configuration skips
   * the largest messages).
   *
   * @param sizes message sizes in bytes
   * @param internetBytesPerSize payload bytes sent per size with {@code defaults()} (1,350-byte datagrams)
   * @param loopbackBytesPerSize payload bytes sent per size with {@code loopback()} and the levers
   * @param maxMessagesPerSize cap on the message count per size (small messages)
   * @param tcpBytes bytes of the TCP loopback reference transfer
   * @param udpDuration how long the raw UDP reference blasts, per datagram size
   * @param levers also measure {@link QuicTransportConfig} knobs (datagram size, socket buffer) at 1 MB messages
   */
  public record Options(List<Integer> sizes, long internetBytesPerSize, long loopbackBytesPerSize,
      int maxMessagesPerSize, long tcpBytes, Duration udpDuration, boolean levers) {
    public static final List<Integer> STANDARD_SIZES =
        List.of(1 << 10, 10 << 10, 100 << 10, 1 << 20, 10 << 20, 100 << 20);

    public Options {
      sizes = List.copyOf(sizes);
      Objects.requireNonNull(udpDuration, "udpDuration");
      if (sizes.isEmpty() || sizes.stream().anyMatch(s -> s < TIMESTAMP_BYTES)) {
        throw new IllegalArgumentException("sizes must be non-empty and at least " + TIMESTAMP_BYTES + " bytes");
      }
      if (internetBytesPerSize <= 0 || loopbackBytesPerSize <= 0 || maxMessagesPerSize <= 0 || tcpBytes <= 0
          || udpDuration.isNegative() || udpDuration.isZero()) {
        throw new IllegalArgumentException("budgets must be positive");
      }
    }

    /** About a minute on a 2-core machine; 100 MB messages with {@code loopback()} only. */
    public static Options standard() {
      return new Options(STANDARD_SIZES, 50L << 20, 300L << 20, 100_000, 1L << 30, Duration.ofSeconds(2), false);
    }

    /** About 20-30 seconds; messages up to 10 MB. */
    public static Options quick() {
      return new Options(STANDARD_SIZES, 10L << 20, 50L << 20, 20_000, 256L << 20, Duration.ofSeconds(1), false);
    }

    public Options withLevers(boolean value) {
      return new Options(sizes, internetBytesPerSize, loopbackBytesPerSize, maxMessagesPerSize, tcpBytes,
          udpDuration, value);
    }
  }

  /** A configuration under test and the message sizes it runs. */
  record Setup(String name, QuicTransportConfig config, List<Integer> sizes, long bytesPerSize) {}

  /**
   * One row: {@code messages} messages of {@code messageBytes} each through one configuration.
   *
   * @param udpMbitPerSecond raw UDP with the same datagram size and receive buffer, same run
   * @param connection the sender's connection during the row (packet counters for the row only), if quiche told
   * @param receiverPackets packets the receiver sent during the row, if quiche told: its ACKs (and flow-control
   *     updates), as it sends no data; the sender's packets per one of them is the ACK frequency
   * @param rcvbufErrors Linux UDP receive-buffer drops during the row (system-wide); empty elsewhere
   */
  public record Row(String config, int datagramBytes, int messageBytes, int messages, double seconds,
      double mbitPerSecond, double udpMbitPerSecond, double p50Millis, double p99Millis,
      Optional<ConnectionSnapshot> connection, OptionalLong receiverPackets, OptionalLong rcvbufErrors) {

    public double messagesPerSecond() {
      return messages / seconds;
    }

    /** Data packets sent per packet coming back (ACKs); empty without both counters. */
    public Optional<Double> packetsPerAck() {
      return connection.filter(c -> receiverPackets.isPresent() && receiverPackets.getAsLong() > 0)
          .map(c -> (double) c.sentPackets() / receiverPackets.getAsLong());
    }

    /** QUIC throughput as a share of raw UDP's; NaN without a UDP figure. */
    public double ratioToUdp() {
      return udpMbitPerSecond > 0 ? mbitPerSecond / udpMbitPerSecond : Double.NaN;
    }
  }

  /**
   * A whole run.
   *
   * @param rows in the order run: {@code defaults()}, {@code loopback()}, then the levers if asked for
   * @param udp the raw UDP references the rows compare with
   * @param tcpMbitPerSecond raw TCP loopback, one connection, 1 MB writes
   */
  public record Result(List<Row> rows, List<UdpReference> udp, double tcpMbitPerSecond) {
    public Result {
      rows = List.copyOf(rows);
      udp = List.copyOf(udp);
    }

    /** Human-readable table. */
    public String table() {
      StringBuilder sb = new StringBuilder();
      sb.append("QuicTransport.streamTo on 127.0.0.1 (RelayForward 64 KiB chunks) against raw UDP of the same "
          + "datagram size\n");
      sb.append(String.format(Locale.ROOT, "%-32s %8s %7s %7s %9s %8s %10s %6s %8s %8s %9s %9s %8s %12s%n", "config",
          "datagram", "message", "count", "msg/s", "Mbit/s", "UDP Mbit/s", "ratio", "p50 ms", "p99 ms", "lost pkts",
          "cwnd", "pkts/ACK", "rcvbuf drops"));
      for (Row r : rows) {
        sb.append(String.format(Locale.ROOT, "%-32s %8d %7s %7d %9.0f %8.0f %10.0f %6.3f %8.2f %8.2f %9s %9s %8s %12s%n",
            r.config(), r.datagramBytes(), human(r.messageBytes()), r.messages(), r.messagesPerSecond(),
            r.mbitPerSecond(), r.udpMbitPerSecond(), r.ratioToUdp(), r.p50Millis(), r.p99Millis(),
            r.connection().map(c -> Long.toString(c.lostPackets())).orElse("-"),
            r.connection().map(c -> Long.toString(c.cwndBytes())).orElse("-"),
            r.packetsPerAck().map(x -> String.format(Locale.ROOT, "%.1f", x)).orElse("-"),
            r.rcvbufErrors().isPresent() ? Long.toString(r.rcvbufErrors().getAsLong()) : "-"));
      }
      sb.append("\nRaw UDP on 127.0.0.1 (one blocking sender, one receiver counting arrivals)\n");
      for (UdpReference u : udp) {
        sb.append(String.format(Locale.ROOT, "  %6d-byte datagrams, SO_RCVBUF %d: %.0f Mbit/s, %d of %d arrived%n",
            u.datagramBytes(), u.receiveBufferBytes(), u.mbitPerSecond(), u.received(), u.sent()));
      }
      sb.append(String.format(Locale.ROOT, "TCP loopback reference: %.0f Mbit/s%n", tcpMbitPerSecond));
      return sb.toString();
    }

    /** One JSON object: {@code rows}, {@code udp} (the references), {@code tcp_mbit_s}. */
    public String json() {
      StringBuilder sb = new StringBuilder("{\"tcp_mbit_s\":").append(Math.round(tcpMbitPerSecond));
      sb.append(",\"rows\":[");
      String sep = "";
      for (Row r : rows) {
        sb.append(sep).append(json(r));
        sep = ",";
      }
      sb.append("],\"udp\":[");
      sep = "";
      for (UdpReference u : udp) {
        sb.append(sep).append(String.format(Locale.ROOT, "{\"datagram_bytes\":%d,\"receive_buffer_bytes\":%d,"
                + "\"mbit_s\":%.0f,\"sent\":%d,\"received\":%d}", u.datagramBytes(), u.receiveBufferBytes(),
            u.mbitPerSecond(), u.sent(), u.received()));
        sep = ",";
      }
      return sb.append("]}").toString();
    }

    private static String json(Row r) {
      StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "{\"config\":\"%s\",\"datagram_bytes\":%d,"
              + "\"message_bytes\":%d,\"messages\":%d,\"seconds\":%.3f,\"msgs_s\":%.0f,\"mbit_s\":%.0f,"
              + "\"udp_mbit_s\":%.0f,\"ratio_to_udp\":%s,\"p50_ms\":%.3f,\"p99_ms\":%.3f",
          r.config().replace("\"", "'"), r.datagramBytes(), r.messageBytes(), r.messages(), r.seconds(),
          r.messagesPerSecond(), r.mbitPerSecond(), r.udpMbitPerSecond(),
          Double.isFinite(r.ratioToUdp()) ? String.format(Locale.ROOT, "%.4f", r.ratioToUdp()) : "null",
          r.p50Millis(), r.p99Millis()));
      r.connection().ifPresent(c -> sb.append(String.format(Locale.ROOT, ",\"sent_packets\":%d,\"lost_packets\":%d,"
          + "\"cwnd_bytes\":%d,\"rtt_ms\":%.3f", c.sentPackets(), c.lostPackets(), c.cwndBytes(), c.rttMillis())));
      r.receiverPackets().ifPresent(acks -> sb.append(",\"receiver_sent_packets\":").append(acks));
      r.rcvbufErrors().ifPresent(drops -> sb.append(",\"rcvbuf_errors\":").append(drops));
      return sb.append('}').toString();
    }
  }

  public static void main(String[] args) throws Exception {
    List<String> flags = Arrays.asList(args);
    Options options = (flags.contains("--quick") ? Options.quick() : Options.standard())
        .withLevers(flags.contains("--levers"));
    Result result = run(options, System.err);
    System.out.println(flags.contains("--json") ? result.json() : result.table());
  }

  /** Runs the benchmark; progress lines go to {@code progress}. */
  public static Result run(Options options, PrintStream progress) throws Exception {
    Objects.requireNonNull(options, "options");
    List<Setup> setups = setups(options);
    Progress reporter = Progress.to(progress::println);
    int totalRows = setups.stream().mapToInt(setup -> setup.sizes().size()).sum();
    long references = setups.stream().map(setup -> udpKey(setup.config())).distinct().count();
    // Before any QUIC transport exists, so their event loops take no CPU from it.
    Map<List<Integer>, UdpReference> udp = new LinkedHashMap<>();
    for (Setup setup : setups) {
      List<Integer> key = udpKey(setup.config());
      reporter.report(Progress.Status.of("raw udp reference", udp.size(), references), Progress.NO_VIRTUAL_TIME);
      if (!udp.containsKey(key)) {
        UdpReference reference = UdpReference.measure(key.get(0), key.get(1), options.udpDuration());
        progress.printf(Locale.ROOT, "  %-32s %8d B  %8.0f Mbit/s (%d of %d arrived)%n", "raw udp", key.get(0),
            reference.mbitPerSecond(), reference.received(), reference.sent());
        udp.put(key, reference);
      }
    }
    ActorSystem system = ActorSystem.create("transport-bench");
    try {
      // Warm-up pass over every configuration (JIT, pools, heap), not reported: small and large messages take
      // different code paths, and so do the configurations; without it the rows run first measure the JIT (measured:
      // the first configuration's rows 2-4x slower than the same configuration run last).
      for (Setup setup : setups) {
        reporter.report(Progress.Status.of("warm-up", setups.indexOf(setup), setups.size()),
            Progress.NO_VIRTUAL_TIME);
        try (TransportPair pair = TransportPair.start(setup.config())) {
          warmUp(system, pair, setup, Math.min(WARM_UP_SMALL_MESSAGES, options.maxMessagesPerSize()),
              udp.get(udpKey(setup.config())), progress);
        }
      }
      List<Row> rows = new ArrayList<>();
      for (Setup setup : setups) {
        try (TransportPair pair = TransportPair.start(setup.config())) {
          // Short transfers first, not reported: the dial and the new connection's congestion control (measured: the
          // first 100,000 x 1 KB on a new connection of a warm JVM ran at 88k msg/s, the next at 118-127k).
          int smallRound = Math.min(WARM_UP_SMALL_MESSAGES, options.maxMessagesPerSize());
          transfer(system, pair, setup, "warm-up", 1 << 10, (long) smallRound << 10, smallRound,
              udp.get(udpKey(setup.config())), progress);
          transfer(system, pair, setup, "warm-up", 1 << 20, Math.min(setup.bytesPerSize() / 4, 8L << 20), 1000,
              udp.get(udpKey(setup.config())), progress);
          for (int size : setup.sizes()) {
            reporter.report(Progress.Status.of("rows", rows.size(), totalRows), Progress.NO_VIRTUAL_TIME);
            rows.add(transfer(system, pair, setup, setup.name(), size, setup.bytesPerSize(),
                options.maxMessagesPerSize(), udp.get(udpKey(setup.config())), progress));
          }
        }
      }
      reporter.report(Progress.Status.of("rows", rows.size(), totalRows), Progress.NO_VIRTUAL_TIME);
      reporter.report(Progress.Status.of("raw tcp reference", 0, 0), Progress.NO_VIRTUAL_TIME);
      double tcp = tcpReference(options.tcpBytes());
      progress.printf(Locale.ROOT, "  %-32s %8.0f Mbit/s%n", "tcp loopback", tcp);
      return new Result(rows, List.copyOf(udp.values()), tcp);
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Runs small messages until the JIT has settled, then large ones: rounds of {@code perRound} x 1 KB (the standard
   * run: 50,000) until one is within 5 % of the one before, at least 4 and at most 12 rounds. Measured in fresh JVMs: the 1 KB rate kept climbing over
   * the first 400,000-600,000 messages (55k to 105-130k msg/s, CPU per message 21 to 12 us), so a fixed 30,000 had
   * reported the compiler rather than the transport.
   */
  static void warmUp(ActorSystem system, TransportPair pair, Setup setup, int perRound, UdpReference udp,
      PrintStream progress) throws Exception {
    double previous = 0;
    for (int round = 0; round < WARM_UP_MAX_ROUNDS; round++) {
      double rate = transfer(system, pair, setup, "warm-up", 1 << 10, (long) perRound << 10, perRound, udp, progress)
          .messagesPerSecond();
      if (round + 1 >= WARM_UP_MIN_ROUNDS && Math.abs(rate - previous) <= 0.05 * previous) {
        break;
      }
      previous = rate;
    }
    transfer(system, pair, setup, "warm-up", 1 << 20, Math.min(setup.bytesPerSize() / 2, WARM_UP_BYTES), 1000, udp,
        progress);
  }

  /**
   * The configurations in the order run: the internet size first, then loopback, then (if asked) the levers: the
   * socket without its native transport or without segmented sends, an intermediate datagram size, and the socket
   * receive buffer (shown by shrinking it: Linux caps SO_RCVBUF at net.core.rmem_max, 4 MiB here, which the default
   * already asks for).
   */
  static List<Setup> setups(Options options) {
    QuicTransportConfig loopback = QuicTransportConfig.loopback();
    QuicTransportConfig internet = QuicTransportConfig.defaults().withBindAddress(loopback.bindAddress());
    List<Setup> setups = new ArrayList<>();
    setups.add(new Setup("defaults()", internet, fitting(options.sizes(), options.internetBytesPerSize()),
        options.internetBytesPerSize()));
    setups.add(new Setup("loopback()", loopback, fitting(options.sizes(), options.loopbackBytesPerSize()),
        options.loopbackBytesPerSize()));
    if (options.levers()) {
      long budget = Math.max(LEVER_MESSAGE_BYTES, Math.min(options.loopbackBytesPerSize(), LEVER_BYTES));
      // What the native socket paid for at the internet size: NIO (one system call per packet, the transport before
      // issue 13); and segmented sends (GSO), which did not pay on loopback.
      setups.add(new Setup("defaults() on a NIO socket", internet.withNativeSocket(false), List.of(1 << 10,
          LEVER_MESSAGE_BYTES), Math.min(budget, options.internetBytesPerSize())));
      setups.add(new Setup("defaults() with 16-packet GSO", internet.withGsoSegments(16), List.of(1 << 10,
          LEVER_MESSAGE_BYTES), Math.min(budget, options.internetBytesPerSize())));
      setups.add(new Setup("defaults() with CUBIC", internet.withCongestionControl(
          io.netty.handler.codec.quic.QuicCongestionControlAlgorithm.CUBIC), List.of(1 << 10, LEVER_MESSAGE_BYTES),
          Math.min(budget, options.internetBytesPerSize())));
      setups.add(new Setup("defaults() + 16 KiB datagrams", internet.withUdpPayloadSizes(16 * 1024, 16 * 1024),
          List.of(LEVER_MESSAGE_BYTES), budget));
      setups.add(new Setup("loopback() + 256 KiB SO_RCVBUF", loopback.withSocketReceiveBufferBytes(256 << 10),
          List.of(LEVER_MESSAGE_BYTES), budget));
    }
    return setups;
  }

  private static List<Integer> fitting(List<Integer> sizes, long budget) {
    return sizes.stream().filter(size -> size <= budget).toList();
  }

  /** Raw UDP is measured per datagram size and receive buffer, the two socket facts a configuration fixes. */
  private static List<Integer> udpKey(QuicTransportConfig config) {
    return List.of(config.maxSendUdpPayloadSize(), config.socketReceiveBufferBytes());
  }

  /** Streams min(budget / size, maxMessages) messages (at least one) of {@code size} bytes sender to receiver. */
  static Row transfer(ActorSystem system, TransportPair pair, Setup setup, String name, int size, long budget,
      int maxMessages, UdpReference udp, PrintStream progress) throws Exception {
    int messages = (int) Math.max(1, Math.min(maxMessages, budget / size));
    int chunks = (size + CHUNK_BYTES - 1) / CHUNK_BYTES;
    long totalChunks = (long) messages * chunks;
    if (totalChunks > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("too many chunks in one row: " + totalChunks);
    }
    byte[] fullChunk = new byte[CHUNK_BYTES];
    byte[] lastChunk = new byte[size - (chunks - 1) * CHUNK_BYTES];
    long[] latencies = new long[messages];
    AtomicLong payloadBytes = new AtomicLong();
    ChunkSequence order = new ChunkSequence(chunks);
    OptionalLong dropsBefore = KernelUdpCounters.rcvbufErrors();
    Optional<ConnectionSnapshot> connectionBefore = pair.senderConnection();
    Optional<ConnectionSnapshot> returnBefore = pair.receiverConnection();

    long start = System.nanoTime();
    CompletionStage<Done> sent = Source.range(0, (int) totalChunks - 1)
        .map(seq -> chunk(pair, seq, chunks, fullChunk, lastChunk))
        .runWith(pair.sender().streamTo(pair.receiverContact()), system);
    Source<Message, ?> inbound = pair.nextInboundStream(10, TimeUnit.SECONDS);
    long[] sentAt = {-1}; // send time of the message being received, -1 between messages
    int[] completed = {0};
    CompletionStage<Done> received = inbound.runForeach(m -> {
      RelayForward chunk = (RelayForward) m;
      boolean endsMessage = order.accept(chunk.sessionId());
      if (sentAt[0] < 0) {
        sentAt[0] = ByteBuffer.wrap(chunk.payload()).getLong();
      }
      payloadBytes.addAndGet(chunk.payload().length);
      if (endsMessage) {
        latencies[completed[0]++] = System.nanoTime() - sentAt[0];
        sentAt[0] = -1;
      }
    }, system);
    try {
      received.toCompletableFuture().get(TRANSFER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(name + ", " + human(size) + " messages: " + e.getCause().getMessage(),
          e.getCause());
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    sent.toCompletableFuture().get(10, TimeUnit.SECONDS);
    if (order.accepted() != totalChunks || payloadBytes.get() != (long) messages * size) {
      throw new IllegalStateException(name + ", " + human(size) + " messages: the stream ended after "
          + order.accepted() + " of " + totalChunks + " chunks, " + payloadBytes.get() + " of "
          + (long) messages * size + " payload bytes");
    }
    Optional<ConnectionSnapshot> connection = pair.senderConnection()
        .map(after -> connectionBefore.map(after::since).orElse(after));
    Optional<ConnectionSnapshot> returned = pair.receiverConnection()
        .map(after -> returnBefore.map(after::since).orElse(after));
    OptionalLong receiverPackets = returned.map(c -> OptionalLong.of(c.sentPackets())).orElse(OptionalLong.empty());
    OptionalLong dropsAfter = KernelUdpCounters.rcvbufErrors();
    OptionalLong drops = dropsBefore.isPresent() && dropsAfter.isPresent()
        ? OptionalLong.of(dropsAfter.getAsLong() - dropsBefore.getAsLong()) : OptionalLong.empty();

    Arrays.sort(latencies);
    double mbit = (double) messages * size * 8 / seconds / 1e6;
    Row row = new Row(name, setup.config().maxSendUdpPayloadSize(), size, messages, seconds, mbit,
        udp.mbitPerSecond(), latencies[messages / 2] / 1e6,
        latencies[Math.min(messages - 1, (int) (messages * 0.99))] / 1e6, connection, receiverPackets, drops);
    progress.printf(Locale.ROOT, "  %-32s %8s x %6d %8.0f Mbit/s %9.0f msg/s  %.3f of UDP%n", name, human(size),
        messages, mbit, row.messagesPerSecond(), row.ratioToUdp());
    return row;
  }

  /** Chunk {@code seq} of the row: payload arrays are shared except a message's first, which carries the send time. */
  private static Message chunk(TransportPair pair, int seq, int chunks, byte[] fullChunk, byte[] lastChunk) {
    boolean last = seq % chunks == chunks - 1;
    byte[] payload = last ? lastChunk : fullChunk;
    if (seq % chunks == 0) {
      payload = payload.clone();
      ByteBuffer.wrap(payload).putLong(System.nanoTime());
    }
    return new RelayForward(pair.senderContact(), ChunkSequence.sessionId(seq, last), payload);
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
