package org.quicmesh.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.quicmesh.dht.RoutingSettings;
import org.quicmesh.dht.RoutingTable;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.Contact;

/**
 * Cost of {@link RoutingTable#closest} for 20 contacts around random targets. {@code ids} random contacts are offered
 * to the table; with {@code k = 20} it keeps a realistic table (about 20 per bucket), with {@code k = 0} every contact
 * fits (one huge table, the worst case for the bucket walk).
 *
 * <p>Run: {@code java -cp target/classes:$(deps) org.quicmesh.bench.RoutingTableBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RoutingTableBench {
  @Param({"1000", "10000"})
  int ids;

  /** Bucket size; 0 = large enough for every offered contact. */
  @Param({"20", "0"})
  int k;

  private RoutingTable table;
  private NodeId[] targets;
  private int next;

  @Setup
  public void setup() {
    Random random = new Random(1);
    RoutingSettings settings = RoutingSettings.defaults().withFixedK(k == 0 ? ids : k);
    table = new RoutingTable(randomId(random), settings, 0);
    for (int i = 0; i < ids; i++) {
      table.observe(new Contact(randomId(random), "127.0." + (i >> 8 & 0xff) + "." + (i & 0xff) + ":4000"), 0);
    }
    targets = new NodeId[4096];
    for (int i = 0; i < targets.length; i++) {
      targets[i] = randomId(random);
    }
  }

  @Benchmark
  public Object closest20() {
    NodeId target = targets[next++ & (targets.length - 1)];
    return table.closest(target, 20);
  }

  private static NodeId randomId(Random random) {
    byte[] b = new byte[NodeId.LENGTH];
    random.nextBytes(b);
    return NodeId.of(b);
  }

  public static void main(String[] args) throws Exception {
    new Runner(new OptionsBuilder().include(RoutingTableBench.class.getSimpleName()).build()).run();
  }
}
