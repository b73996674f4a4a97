package org.quicmesh.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.Nodes;
import org.quicmesh.wire.Publish;
import org.quicmesh.wire.WireCodec;
import org.quicmesh.wire.WireFormatException;

/**
 * Cost of the CBOR wire codec on the two hottest messages: a FindNode answer with 20 contacts and a 1 KiB GossipSub
 * publish. Run: {@code ./quicmesh bench jmh CodecBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBench {
  private Message nodes;
  private Message publish;
  private byte[] nodesBytes;
  private byte[] publishBytes;

  @Setup
  public void setup() {
    Random random = new Random(1);
    List<Contact> contacts = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      byte[] id = new byte[32];
      random.nextBytes(id);
      contacts.add(new Contact(NodeId.of(id), "127.0.0." + (i + 1) + ":4000"));
    }
    nodes = new Nodes(contacts);
    byte[] origin = new byte[32];
    byte[] payload = new byte[1024];
    byte[] signature = new byte[64];
    random.nextBytes(origin);
    random.nextBytes(payload);
    random.nextBytes(signature);
    publish = new Publish("bench", origin, 42, payload, signature);
    nodesBytes = WireCodec.encode(nodes);
    publishBytes = WireCodec.encode(publish);
  }

  @Benchmark
  public byte[] encodeNodes() {
    return WireCodec.encode(nodes);
  }

  @Benchmark
  public Message decodeNodes() throws WireFormatException {
    return WireCodec.decode(nodesBytes);
  }

  @Benchmark
  public byte[] encodePublish() {
    return WireCodec.encode(publish);
  }

  @Benchmark
  public Message decodePublish() throws WireFormatException {
    return WireCodec.decode(publishBytes);
  }
}
