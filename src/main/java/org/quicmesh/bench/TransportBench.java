package org.quicmesh.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.handler.codec.quic.QuicCongestionControlAlgorithm;
import io.netty.handler.codec.quic.QuicStreamChannel;
import java.io.IOException;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.javadsl.Source;
import org.quicmesh.transport.quic.stream.QuicStreamSink;
import org.quicmesh.transport.quic.stream.QuicStreamSource;
import org.quicmesh.transport.quic.stream.StreamDecoder;
import org.quicmesh.transport.quic.stream.StreamSettings;
import org.quicmesh.transport.quic.stream.VarintFrames;

/**
 * One-way bulk transfer over one QUIC connection on loopback through the Pekko stream stages: throughput per message
 * size and send-to-receive latency, the effect of each Netty QUIC lever, and raw TCP loopback as the machine's
 * reference. Prints tables, then one JSON object on the last line.
 *
 * <p>Usage: {@code TransportBench [--quick] [--no-levers]}. Numbers on a shared 2-core machine are noisy.
 */
public final class TransportBench {
  private static final long MAX_TOTAL_BYTES = 200L << 20;
  private static final int MAX_MESSAGES = 10_000;
  private static final int TIMESTAMP_BYTES = 8;

  private TransportBench() {}

  /** Result of one transfer. */
  record Run(String name, int messageBytes, int messages, double seconds, double mbitPerSecond, double p50Millis,
      double p99Millis) {}

  public static void main(String[] args) throws Exception {
    boolean quick = Arrays.asList(args).contains("--quick");
    boolean levers = !Arrays.asList(args).contains("--no-levers");
    long budget = quick ? MAX_TOTAL_BYTES / 4 : MAX_TOTAL_BYTES;
    ActorSystem system = ActorSystem.create("transport-bench");
    try {
      // Warm-up (JIT, pools), not reported.
      transfer(system, "warm-up", QuicTuning.loopback(), 1 << 20, budget / 2);
      List<Run> leverRuns = new ArrayList<>();
      if (levers) {
        for (Map.Entry<String, QuicTuning> lever : levers().entrySet()) {
          // Best of two; the slow small-datagram configurations get one short run.
          boolean slow = lever.getValue().maxUdpPayload() < 4096;
          Run best = null;
          for (int i = 0; i < (slow ? 1 : 2); i++) {
            Run run = transfer(system, lever.getKey(), lever.getValue(), 1 << 20, slow ? budget / 8 : budget);
            best = best == null || run.mbitPerSecond() > best.mbitPerSecond() ? run : best;
          }
          leverRuns.add(best);
        }
        printTable("Levers (1 MB messages, " + (budget >> 20) + " MB each, best of 2; 1350-B rows: one run of "
            + (budget >> 23) + " MB)", leverRuns);
      }
      List<Run> sizeRuns = new ArrayList<>();
      for (int size : new int[] {1 << 10, 10 << 10, 100 << 10, 1 << 20, 10 << 20, 100 << 20}) {
        sizeRuns.add(transfer(system, "loopback()", QuicTuning.loopback(), size, budget));
      }
      printTable("Message sizes with QuicTuning.loopback()", sizeRuns);
      double tcp = tcpReference(quick ? 256L << 20 : 1L << 30);
      System.out.printf(Locale.ROOT, "%nTCP loopback reference: %.0f Mbit/s%n", tcp);
      System.out.println(json(leverRuns, sizeRuns, tcp));
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** Each lever added on top of the previous ones (or swapped, for congestion control). */
  static Map<String, QuicTuning> levers() {
    Map<String, QuicTuning> levers = new LinkedHashMap<>();
    QuicTuning t = QuicTuning.baseline();
    levers.put("baseline: nio, 1350 B, windows 16/8 MB, cubic", t);
    t = t.withSocketBuffers(4 << 20);
    levers.put("+ 4 MB socket buffers", t);
    levers.put("+ epoll + GSO (1350 B segments)", t.withEpoll(true, true, false));
    t = t.withMaxUdpPayload(16 * 1024);
    levers.put("+ 16 KB datagrams", t);
    t = t.withMaxUdpPayload(32 * 1024);
    levers.put("+ 32 KB datagrams", t);
    levers.put("+ 60 KB datagrams", t.withMaxUdpPayload(60 * 1024));
    t = t.withWindows(64L << 20, 32L << 20);
    levers.put("+ windows 64/32 MB", t);
    t = t.withEpoll(true, false, false);
    levers.put("+ epoll", t);
    levers.put("+ epoll GRO", t.withEpoll(true, false, true));
    levers.put("bbr instead of cubic", t.withCongestionControl(QuicCongestionControlAlgorithm.BBR));
    levers.put("reno instead of cubic", t.withCongestionControl(QuicCongestionControlAlgorithm.RENO));
    return levers;
  }

  /** Sends min(budget, 10,000 messages) of {@code size} bytes client to server; measures until the last arrives. */
  static Run transfer(ActorSystem system, String name, QuicTuning tuning, int size, long budget) throws Exception {
    int messages = (int) Math.max(1, Math.min(MAX_MESSAGES, budget / size));
    try (LoopbackQuic quic = LoopbackQuic.start(tuning)) {
      ByteBuf payload = PooledByteBufAllocator.DEFAULT.directBuffer(size, size);
      payload.writerIndex(size);
      try {
        long[] latencies = new long[messages];
        StreamSettings settings = StreamSettings.defaults().withMaxFrameBytes(size + TIMESTAMP_BYTES);
        QuicStreamChannel out = quic.openClientStream();
        long start = System.nanoTime();
        // Per message: a small header buffer (frame length + send time) and the shared payload, not copied.
        CompletionStage<Done> sent = Source.range(0, 2 * messages - 1)
            .map(i -> {
              if (i % 2 == 1) {
                return payload.retainedDuplicate();
              }
              ByteBuf header = out.alloc().directBuffer(VarintFrames.MAX_HEADER_BYTES + TIMESTAMP_BYTES);
              VarintFrames.writeHeader(header, size + TIMESTAMP_BYTES);
              return header.writeLong(System.nanoTime());
            })
            .runWith(QuicStreamSink.byteBufs(out, settings), system);
        QuicStreamChannel in = quic.nextServerStream(30, TimeUnit.SECONDS);
        CompletableFuture<Done> received = Source.fromGraph(new QuicStreamSource<>(in, new SkippingDecoder(), settings))
            .zipWithIndex()
            .runForeach(p -> latencies[(int) (long) p.second()] = System.nanoTime() - p.first(), system)
            .toCompletableFuture();
        received.get(10, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - start) / 1e9;
        sent.toCompletableFuture().get(30, TimeUnit.SECONDS);
        Arrays.sort(latencies);
        double mbit = (double) messages * size * 8 / seconds / 1e6;
        Run run = new Run(name, size, messages, seconds, mbit, latencies[messages / 2] / 1e6,
            latencies[Math.min(messages - 1, (int) (messages * 0.99))] / 1e6);
        System.err.printf(Locale.ROOT, "  %-44s %9s x %5d  %8.0f Mbit/s%n", name, human(size), messages, mbit);
        return run;
      } finally {
        payload.release();
      }
    }
  }

  /** Reads a frame's send time and skips its payload without copying it out. */
  private static final class SkippingDecoder implements StreamDecoder<Long> {
    @Override
    public Long decode(ByteBuf buffered) throws org.quicmesh.wire.WireFormatException {
      int start = buffered.readerIndex();
      long length = 0;
      int i = 0;
      while (true) {
        if (i == buffered.readableBytes() || i == VarintFrames.MAX_HEADER_BYTES) {
          if (i == VarintFrames.MAX_HEADER_BYTES) {
            throw new org.quicmesh.wire.WireFormatException("bad frame header");
          }
          return null;
        }
        int b = buffered.getUnsignedByte(start + i);
        length |= (long) (b & 0x7F) << (7 * i++);
        if ((b & 0x80) == 0) {
          break;
        }
      }
      if (buffered.readableBytes() - i < length) {
        return null;
      }
      buffered.skipBytes(i);
      long sentAt = buffered.readLong();
      buffered.skipBytes((int) length - TIMESTAMP_BYTES);
      return sentAt;
    }
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

  private static void printTable(String title, List<Run> runs) {
    System.out.printf("%n%s%n", title);
    System.out.printf(Locale.ROOT, "%-44s %9s %6s %8s %12s %10s %10s%n",
        "configuration", "message", "count", "seconds", "Mbit/s", "p50 ms", "p99 ms");
    for (Run r : runs) {
      System.out.printf(Locale.ROOT, "%-44s %9s %6d %8.2f %12.0f %10.2f %10.2f%n", r.name(), human(r.messageBytes()),
          r.messages(), r.seconds(), r.mbitPerSecond(), r.p50Millis(), r.p99Millis());
    }
  }

  private static String human(int bytes) {
    return bytes >= 1 << 20 ? (bytes >> 20) + " MB" : (bytes >> 10) + " KB";
  }

  private static String json(List<Run> levers, List<Run> sizes, double tcp) {
    StringBuilder sb = new StringBuilder("{\"tcpMbitPerSecond\":").append(Math.round(tcp));
    sb.append(",\"levers\":").append(jsonRuns(levers)).append(",\"sizes\":").append(jsonRuns(sizes)).append('}');
    return sb.toString();
  }

  private static String jsonRuns(List<Run> runs) {
    StringBuilder sb = new StringBuilder("[");
    for (Run r : runs) {
      if (sb.length() > 1) {
        sb.append(',');
      }
      sb.append(String.format(Locale.ROOT,
          "{\"name\":\"%s\",\"messageBytes\":%d,\"messages\":%d,\"seconds\":%.3f,\"mbitPerSecond\":%.0f,"
              + "\"p50Millis\":%.3f,\"p99Millis\":%.3f}",
          r.name().replace("\"", "'"), r.messageBytes(), r.messages(), r.seconds(), r.mbitPerSecond(), r.p50Millis(),
          r.p99Millis()));
    }
    return sb.append(']').toString();
  }
}
