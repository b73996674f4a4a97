package org.quicmesh.bench;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import org.apache.pekko.actor.ActorSystem;
import org.quicmesh.transport.quic.QuicTransportConfig;

/**
 * One side of an A/B of the socket settings at internet-size (1,350-byte) datagrams, in a JVM of its own so the JIT
 * state of one setting cannot favour the next (within one run, the configuration measured last was 2-4x faster):
 * warm-up until the JIT settled ({@link TransportBench#warmUp}), then 60,000 x 1 KB and 150 x 1 MB on one connection.
 * Run each setting in turn, e.g.
 * {@code for s in "false 0" "true 0" "true 16"; do java -cp target/quicmesh.jar org.quicmesh.bench.TransportAb $s; done}.
 *
 * <p>Arguments: {@code nativeSocket gsoSegments [connectionWindowMiB streamWindowMiB [bbr|cubic|reno]]} (see {@link
 * QuicTransportConfig}).
 */
public final class TransportAb {
  private TransportAb() {}

  public static void main(String[] args) throws Exception {
    QuicTransportConfig config = QuicTransportConfig.defaults()
        .withBindAddress(QuicTransportConfig.loopback().bindAddress())
        .withNativeSocket(Boolean.parseBoolean(args[0])).withGsoSegments(Integer.parseInt(args[1]));
    if (args.length >= 4) {
      config = config.withFlowControlWindows(Long.parseLong(args[2]) << 20, Long.parseLong(args[3]) << 20);
    }
    if (args.length >= 5) {
      config = config.withCongestionControl(io.netty.handler.codec.quic.QuicCongestionControlAlgorithm.valueOf(
          args[4].toUpperCase(Locale.ROOT)));
    }
    ActorSystem system = ActorSystem.create("transport-ab");
    // Ratios to raw UDP are not the point here: a placeholder reference keeps the row format.
    UdpReference none = new UdpReference(config.maxSendUdpPayloadSize(), config.socketReceiveBufferBytes(), 1, 1, 1);
    TransportBench.Setup setup = new TransportBench.Setup("native=" + args[0] + " gso=" + args[1] + " windows="
        + (config.initialMaxData() >> 20) + "/" + (config.initialMaxStreamData() >> 20) + " MiB "
        + config.congestionControl(), config,
        List.of(1 << 10, 1 << 20), 150L << 20);
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    try (TransportPair pair = TransportPair.start(config)) {
      TransportBench.warmUp(system, pair, setup, TransportBench.WARM_UP_SMALL_MESSAGES, none, quiet);
      TransportBench.Row small = TransportBench.transfer(system, pair, setup, setup.name(), 1 << 10, 60_000L << 10,
          60_000, none, quiet);
      TransportBench.Row large = TransportBench.transfer(system, pair, setup, setup.name(), 1 << 20, 150L << 20,
          1000, none, quiet);
      System.out.printf(Locale.ROOT, "%s  1 KB: %.0f msg/s, p99 %.0f ms | 1 MB: %.0f Mbit/s, p99 %.0f ms%n",
          setup.name(), small.messagesPerSecond(), small.p99Millis(), large.mbitPerSecond(), large.p99Millis());
    } finally {
      system.terminate();
    }
    System.exit(0);
  }
}
