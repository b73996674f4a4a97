package org.quicmesh.transport.sim;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.stream.javadsl.Sink;
import org.quicmesh.identity.NodeId;
import org.quicmesh.identity.Keypair;
import org.quicmesh.transport.DatagramPlane;
import org.quicmesh.transport.InboundHandler;
import org.quicmesh.transport.Path;
import org.quicmesh.transport.PathControl;
import org.quicmesh.transport.InboundRequest;
import org.quicmesh.transport.Reply;
import org.quicmesh.transport.Transport;
import org.quicmesh.transport.TransportException;
import org.quicmesh.transport.TransportException.Kind;
import org.quicmesh.transport.TransportStats;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.Request;
import org.quicmesh.wire.Response;
import org.quicmesh.wire.WireCodec;

/**
 * One host of a {@link SimNetwork}. Behaves like the QUIC transport as the protocol layers see it: identities are
 * "verified" (the network knows who sent what), a request to an address held by another node fails with
 * IDENTITY_MISMATCH, a spoofed {@code from} is rejected before the handler, and lost or unanswered requests time out.
 *
 * <p>Peers with a route ({@link #paths()}) are reached over it, as the QUIC transport's path layer does: requests,
 * answers and stream messages go straight to a direct route's address, or through a relayed route's relay in relay
 * frames that the relay's own forwarder passes on ({@link SimRelayEnd}); the receiver sees the relay's address as
 * the observed one and the route's peer as the verified one. Without routes nothing changes.
 */
public final class SimTransport implements Transport {
  private final SimNetwork network;
  private final InetSocketAddress address;
  private final NodeId id;
  private volatile InboundHandler handler;
  private volatile boolean crashed;
  private volatile boolean closed;
  private final LongAdder sent = new LongAdder();
  private final LongAdder received = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final Map<String, LongAdder> rejected = new ConcurrentHashMap<>();
  private final SimDatagrams datagrams = new SimDatagrams(this);
  private final SimPaths paths = new SimPaths(datagrams);
  private final SimRelayEnd relayEnd = new SimRelayEnd(this, paths, datagrams);

  SimTransport(SimNetwork network, InetSocketAddress address, Keypair keypair) {
    this.network = network;
    this.address = address;
    this.id = keypair.nodeId();
  }

  @Override
  public CompletionStage<List<InetSocketAddress>> start(InboundHandler handler) {
    if (this.handler != null) {
      return CompletableFuture.failedFuture(new IllegalStateException("transport already started"));
    }
    this.handler = handler;
    return CompletableFuture.completedFuture(List.of(address));
  }

  @Override
  public NodeId localId() {
    return id;
  }

  @Override
  public List<InetSocketAddress> listenAddresses() {
    return List.of(address);
  }

  InetSocketAddress address() {
    return address;
  }

  boolean isCrashed() {
    return crashed;
  }

  void setCrashed(boolean crashed) {
    this.crashed = crashed;
  }

  boolean isClosed() {
    return closed;
  }

  @Override
  public CompletionStage<Reply> request(Contact to, Request request, Duration timeout) {
    Path route = paths.current(to.id());
    return send(route == null ? new Path.Direct(to.socketAddress()) : route, to.id(), request, timeout);
  }

  @Override
  public CompletionStage<Reply> request(InetSocketAddress to, Request request, Duration timeout) {
    return send(new Path.Direct(to), null, request, timeout);
  }

  private CompletionStage<Reply> send(Path path, NodeId expected, Request request, Duration timeout) {
    if (closed) {
      return CompletableFuture.failedFuture(new TransportException(Kind.CLOSED, "transport is shut down"));
    }
    sent.increment();
    CompletableFuture<Reply> result = new CompletableFuture<>();
    Instant sentAt = network.clock().instant();
    Cancellable timer = network.schedule(timeout, () -> result.completeExceptionally(new TransportException(
        Kind.TIMEOUT, "no answer from " + path.via() + " within " + timeout.toMillis() + " ms")));
    result.whenComplete((reply, failure) -> {
      timer.cancel();
      if (failure != null) {
        failed.increment();
      }
    });
    if (path instanceof Path.Relayed relayed) {
      relayEnd.send(relayed, new SimParcel(this, (destination, observed) -> destination.receive(this, observed,
          expected, request, reply -> answer(destination, null, reply, sentAt, result))), wireSize(request));
      return result;
    }
    SimNetwork.Delivery delivery = network.route(this, path.via(), true);
    if (delivery != null) {
      SimTransport destination = delivery.destination();
      InetSocketAddress observed = delivery.source();
      network.schedule(network.oneWay(address, destination.address), () -> destination.receive(this, observed,
          expected, request, reply -> answer(destination, observed, reply, sentAt, result)));
    }
    return result;
  }

  /**
   * Carries an answer (a response or a refusal) back over the network to the waiting request: over the answering
   * side's route to the requester if it has one (a simulated connection has no fixed path), else to the address the
   * request came from ({@code requester}), through the NATs the request opened. A request that came through a relay
   * has no such address ({@code requester} is null): its answer needs the route.
   */
  private void answer(SimTransport from, InetSocketAddress requester, Outcome outcome, Instant sentAt,
      CompletableFuture<Reply> result) {
    Path back = from.paths.current(id);
    if (back instanceof Path.Relayed relayed) {
      from.relayEnd.send(relayed, new SimParcel(from, (host, observed) -> {
        if (host != this) {
          host.reject("stray-packet"); // the answer of somebody else's connection
          return;
        }
        complete(result, from, observed, outcome, sentAt);
      }), outcome.wireSize());
      return;
    }
    InetSocketAddress target = back != null ? back.via() : requester;
    SimNetwork.Delivery delivery = target == null ? null : network.route(from, target, true);
    if (delivery == null) {
      return; // lost on the way back: the requester times out
    }
    network.schedule(network.oneWay(from.address, address),
        () -> complete(result, from, delivery.source(), outcome, sentAt));
  }

  private void complete(CompletableFuture<Reply> result, SimTransport from, InetSocketAddress observed,
      Outcome outcome, Instant sentAt) {
    if (outcome.failure() != null) {
      result.completeExceptionally(outcome.failure());
    } else {
      Duration rtt = Duration.between(sentAt, network.clock().instant());
      result.complete(new Reply(from.id, observed, outcome.response(), rtt));
    }
  }

  private record Outcome(Response response, TransportException failure) {
    /** A refusal's size on the wire: a short error frame. */
    private static final int FAILURE_BYTES = 64;

    int wireSize() {
      return response != null ? SimTransport.wireSize(response) : FAILURE_BYTES;
    }
  }

  /** What a message weighs on the wire, for the byte counts of the relays it passes. */
  static int wireSize(Message message) {
    return WireCodec.encode(message).length;
  }

  private void receive(SimTransport sender, InetSocketAddress observed, NodeId expected, Request request,
      java.util.function.Consumer<Outcome> reply) {
    if (crashed || closed || handler == null) {
      return;
    }
    if (expected != null && !expected.equals(id)) {
      // What the TLS handshake would reveal: somebody else holds this address.
      reply.accept(new Outcome(null, new TransportException(Kind.IDENTITY_MISMATCH,
          "peer at " + address + " is " + id + ", not " + expected)));
      return;
    }
    if (!request.from().id().equals(sender.id)) {
      reject("from-mismatch");
      reply.accept(new Outcome(null, new TransportException(Kind.REJECTED,
          "request claims to be from " + request.from().id() + " but came from " + sender.id)));
      return;
    }
    received.increment();
    CompletionStage<Response> answer;
    try {
      answer = handler.onRequest(new InboundRequest(sender.id, observed, request));
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    answer.whenComplete((response, failure) -> {
      if (!crashed && !closed) {
        reply.accept(failure != null
            ? new Outcome(null, new TransportException(Kind.REJECTED, "handler failed: " + failure.getMessage()))
            : new Outcome(response, null));
      }
    });
  }

  @Override
  public DatagramPlane datagrams() {
    return datagrams;
  }

  @Override
  public PathControl paths() {
    return paths;
  }

  SimDatagrams datagramPlane() {
    return datagrams;
  }

  /** The routes, as the simulator reads them for every packet. */
  SimPaths routeTable() {
    return paths;
  }

  SimRelayEnd relayEnd() {
    return relayEnd;
  }

  void reject(String reason) {
    rejected.computeIfAbsent(reason, r -> new LongAdder()).increment();
  }

  @Override
  public Sink<Message, CompletionStage<Done>> streamTo(Contact to) {
    return SimLink.sink(this, to);
  }

  /** Opens the receiving end of a stream from {@code sender}: the handler materialises the source. */
  SimLink.Receiver acceptStream(SimTransport sender) {
    InboundHandler current = handler;
    if (current == null || crashed || closed) {
      return null;
    }
    SimLink.Receiver receiver = SimLink.receiver(network.system());
    current.onStream(sender.id, receiver.source());
    return receiver;
  }

  SimNetwork network() {
    return network;
  }

  @Override
  public TransportStats stats() {
    Map<String, Long> rejections = new java.util.TreeMap<>();
    rejected.forEach((reason, count) -> rejections.put(reason, count.sum()));
    return new TransportStats(sent.sum(), received.sum(), failed.sum(), 0, 0, 0, rejections);
  }

  @Override
  public CompletionStage<Done> shutdown() {
    closed = true;
    network.detach(this);
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public String toString() {
    return "SimTransport(" + id + "@" + address + ")";
  }
}
