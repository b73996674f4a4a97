package org.quicmesh.nat.relay;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.quicmesh.transport.Datagram;
import org.quicmesh.transport.DatagramKind;
import org.quicmesh.transport.DatagramPlane;

/** A datagram plane without a socket: records what is sent, and feeds datagrams to its listeners synchronously. */
final class FakeDatagramPlane implements DatagramPlane {
  static final InetSocketAddress LOCAL = new InetSocketAddress("203.0.113.1", 7000);

  /** One datagram handed to the plane to send. */
  record Sent(InetSocketAddress to, byte[] payload) {}

  private record Listening(DatagramKind kind, DatagramListener listener) {}

  final List<Sent> sent = new ArrayList<>();
  private final List<Listening> listeners = new ArrayList<>();

  @Override
  public Registration listen(DatagramKind kind, DatagramListener listener) {
    Listening entry = new Listening(kind, listener);
    listeners.add(entry);
    return () -> listeners.remove(entry);
  }

  @Override
  public CompletionStage<Void> send(InetSocketAddress to, byte[] payload) {
    sent.add(new Sent(to, payload.clone()));
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> send(InetSocketAddress from, InetSocketAddress to, byte[] payload) {
    return send(to, payload);
  }

  @Override
  public CompletionStage<InetSocketAddress> open(InetSocketAddress local) {
    return CompletableFuture.failedFuture(new UnsupportedOperationException("no extra sockets here"));
  }

  /** Delivers {@code payload} from {@code sender} to every listener of its kind, as the socket would. */
  void receive(InetSocketAddress sender, byte[] payload) {
    DatagramKind kind = DatagramKind.of(payload).orElseThrow(() -> new AssertionError("not a raw datagram"));
    for (Listening l : List.copyOf(listeners)) {
      if (l.kind() == kind) {
        l.listener().onDatagram(new Datagram(kind, sender, LOCAL, payload));
      }
    }
  }

  int listenerCount(DatagramKind kind) {
    return (int) listeners.stream().filter(l -> l.kind() == kind).count();
  }
}
