package org.quicmesh.nat;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.quicmesh.nat.stun.BindingResponder;
import org.quicmesh.nat.stun.BindingResponder.Answer;
import org.quicmesh.nat.stun.StunClass;
import org.quicmesh.nat.stun.StunCodec;
import org.quicmesh.nat.stun.StunFormatException;
import org.quicmesh.nat.stun.StunMessage;
import org.quicmesh.nat.stun.StunServerAddresses;
import org.quicmesh.transport.Datagram;
import org.quicmesh.transport.DatagramKind;
import org.quicmesh.transport.DatagramPlane;
import org.quicmesh.transport.DatagramPlane.Registration;

/**
 * Every node is a STUN server on its own port: it answers Binding requests with the address it saw them come from,
 * so standard STUN clients and our peers learn their reflexive address from it. Stateless, so it needs no actor: it
 * answers on the transport's thread, never blocking. Malformed STUN is dropped and counted by reason.
 */
public final class StunServer implements DatagramPlane.DatagramListener, AutoCloseable {
  /** The SOFTWARE attribute of our answers. */
  public static final String SOFTWARE = "quicmesh";

  private final DatagramPlane plane;
  private volatile BindingResponder responder;
  private final LongAdder requests = new LongAdder();
  private final LongAdder errorAnswers = new LongAdder();
  private final LongAdder sendFailures = new LongAdder();
  private final Map<String, LongAdder> malformed = new ConcurrentHashMap<>();
  private volatile InetSocketAddress lastClient;
  private Registration registration;
  private final CompletableFuture<Boolean> alternates = new CompletableFuture<>();

  private StunServer(DatagramPlane plane, StunServerAddresses addresses) {
    this.plane = plane;
    this.responder = new BindingResponder(addresses, SOFTWARE);
  }

  /** Starts answering STUN on {@code plane}, from sockets that are already open. */
  public static StunServer install(DatagramPlane plane, StunServerAddresses addresses) {
    StunServer server = listening(plane, addresses);
    server.alternates.complete(addresses.canChange());
    return server;
  }

  private static StunServer listening(DatagramPlane plane, StunServerAddresses addresses) {
    StunServer server = new StunServer(Objects.requireNonNull(plane, "plane"), addresses);
    server.registration = plane.listen(DatagramKind.STUN, server);
    return server;
  }

  /**
   * Starts answering STUN on {@code primary} at once and, once the three other sockets of {@code addresses} are open,
   * as an RFC 5780 server (CHANGE-REQUEST, OTHER-ADDRESS, RESPONSE-ORIGIN). If they cannot be opened it stays a plain
   * server and says so in {@link #alternatesReady()}.
   */
  public static StunServer installWithAlternates(DatagramPlane plane, StunServerAddresses addresses) {
    StunServer server = listening(plane, StunServerAddresses.single(addresses.primary()));
    List<CompletableFuture<InetSocketAddress>> opening = addresses.sockets().stream()
        .filter(socket -> !socket.equals(addresses.primary()))
        .map(socket -> plane.open(socket).toCompletableFuture())
        .toList();
    CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new)).whenComplete((ok, failure) -> {
      if (failure == null) {
        server.responder = new BindingResponder(addresses, SOFTWARE);
        server.alternates.complete(true);
      } else {
        server.alternates.complete(false);
      }
    });
    return server;
  }

  /** Completes with true when this server answers as an RFC 5780 server, false if its alternate sockets failed. */
  public CompletionStage<Boolean> alternatesReady() {
    return alternates.minimalCompletionStage();
  }

  @Override
  public void onDatagram(Datagram datagram) {
    if (StunCodec.classOf(datagram.payload()) != StunClass.REQUEST) {
      return; // answers and indications are the client's to decode (and count if malformed)
    }
    StunMessage message;
    try {
      message = StunCodec.decode(datagram.payload());
    } catch (StunFormatException e) {
      malformed.computeIfAbsent(e.reason().counterName(), r -> new LongAdder()).increment();
      return;
    }
    responder.answer(message, datagram.sender(), datagram.local()).ifPresent(this::send);
  }

  private void send(Answer answer) {
    requests.increment();
    if (answer.response().type() == StunClass.ERROR_RESPONSE) {
      errorAnswers.increment();
    }
    lastClient = answer.to();
    // A lost answer is the client's to retransmit for; a failed send is only counted.
    plane.send(answer.from(), answer.to(), StunCodec.encode(answer.response())).whenComplete((ok, failure) -> {
      if (failure != null) {
        sendFailures.increment();
      }
    });
  }

  /** What this server did: requests answered, error answers among them, malformed datagrams by reason. */
  public StunServerStats stats() {
    Map<String, Long> byReason = new TreeMap<>();
    malformed.forEach((reason, count) -> byReason.put(reason, count.sum()));
    return new StunServerStats(requests.sum(), errorAnswers.sum(), sendFailures.sum(), byReason);
  }

  /** The address the last answer went to (for diagnostics and tests). */
  public InetSocketAddress lastClient() {
    return lastClient;
  }

  @Override
  public void close() {
    registration.cancel();
  }
}
