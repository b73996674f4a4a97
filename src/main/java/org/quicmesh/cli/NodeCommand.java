package org.quicmesh.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.quicmesh.identity.Keypair;
import org.quicmesh.node.ActorSystems;
import org.quicmesh.node.MeshConfig;
import org.quicmesh.node.NodeEnvironment;
import org.quicmesh.node.NodeStatus;
import org.quicmesh.node.Quicmesh;
import org.quicmesh.node.Transports;
import org.quicmesh.wire.Contact.Addresses;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code quicmesh node}: one node over QUIC, optionally driven by the JSON-lines control protocol on stdio. */
@Command(name = "node", mixinStandardHelpOptions = true,
    description = "Run a mesh node. With --control stdio it reads JSON-lines requests on stdin and answers on stdout "
        + "(see docs/control-protocol.md); logs go to stderr.")
final class NodeCommand implements Callable<Integer> {

  @Option(names = "--listen", paramLabel = "HOST:PORT",
      description = "UDP address to accept and dial from (default: quicmesh.listen, 127.0.0.1:0). A second --listen "
          + "IP2:PORT makes the node an RFC 5780 STUN server: it also answers STUN on IP2 and on PORT+1 of both IPs.")
  List<String> listen = new ArrayList<>();

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Seed node to join through (repeatable).")
  List<String> bootstrap = new ArrayList<>();

  @Option(names = "--stun", paramLabel = "HOST:PORT",
      description = "STUN server to classify this node's NAT against (repeatable; two-address RFC 5780 servers, such as "
          + "a quicmesh node with two --listen addresses, give the full verdict). Default: quicmesh.nat.stun-servers.")
  List<String> stun = new ArrayList<>();

  @Option(names = "--relay",
      description = "Serve relay sessions: nodes behind NATs hold reservations here and peers reach them through it "
          + "(quicmesh.nat.relay.enabled).")
  boolean relay;

  @Option(names = "--relay-server", paramLabel = "HOST:PORT",
      description = "A relay to hold a reservation with, so peers can reach this node through it when they cannot "
          + "dial it (repeatable; the best two are kept). Default: quicmesh.nat.relay.servers.")
  List<String> relayServers = new ArrayList<>();

  @Option(names = "--identity", paramLabel = "FILE",
      description = "Ed25519 identity file, created (owner-only) if missing. Default: a fresh identity.")
  Path identity;

  @Option(names = "--profile", paramLabel = "NAME",
      description = "Defaults for a kind of network: local, lan or wan (conf/profiles/*.conf; default: "
          + "quicmesh.profile). Settings and flags still override it.")
  String profile;

  @Option(names = "--print-config",
      description = "Print the effective quicmesh configuration, each value with where it came from, and exit.")
  boolean printConfig;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "Keep state across restarts in DIR (created if missing): the identity (DIR/identity, unless "
          + "--identity is given), a cache of routing-table contacts, so a restart rejoins without --bootstrap, and "
          + "the values the node holds (unless quicmesh.state.values = false). "
          + "Default: quicmesh.state-dir.")
  Path stateDir;

  @Option(names = "--metrics", paramLabel = "HOST:PORT",
      description = "Serve Prometheus metrics at http://HOST:PORT/metrics (meter names in docs/operations.md). "
          + "Port 0 picks a free port; the ready event names it.")
  String metrics;

  @Option(names = "--control", paramLabel = "MODE", defaultValue = "none",
      description = "Control channel: stdio or none (default: ${DEFAULT-VALUE}).")
  String control;

  @Override
  public Integer call() throws Exception {
    if (!control.equals("stdio") && !control.equals("none")) {
      System.err.println("--control must be stdio or none");
      return 2;
    }
    MeshConfig config;
    try {
      config = MeshConfig.load(profile);
    } catch (IllegalArgumentException unknownProfile) {
      System.err.println(unknownProfile.getMessage());
      return 2;
    }
    if (listen.size() > 2) {
      System.err.println("--listen takes at most two addresses (the node's, and a second IP for RFC 5780 STUN)");
      return 2;
    }
    if (!listen.isEmpty()) {
      config = config.withListen(Addresses.parse(listen.get(0)));
    }
    if (listen.size() == 2) {
      config = config.withStunAlternateIp(Addresses.parse(listen.get(1)).getAddress());
    }
    if (!bootstrap.isEmpty()) {
      config = config.withBootstrap(bootstrap.stream().map(Addresses::parse).toList());
    }
    if (stateDir != null) {
      config = config.withStateDir(stateDir);
    }
    if (identity != null) {
      config = config.withIdentityFile(identity);
    }
    if (!stun.isEmpty()) {
      config = config.withStunServers(stun.stream().map(Addresses::parse).toList());
    }
    if (relay) {
      config = config.withRelay(true);
    }
    if (!relayServers.isEmpty()) {
      config = config.withRelayServers(relayServers.stream().map(Addresses::parse).toList());
    }
    if (printConfig) {
      System.out.println(config.render());
      return 0;
    }
    Keypair keypair = config.identityFile().isPresent()
        ? Keypair.loadOrCreate(config.identityFile().get())
        : Keypair.generate();
    MetricsEndpoint endpoint = metrics == null ? null : new MetricsEndpoint(Addresses.parse(metrics));
    ActorSystem<Void> system = ActorSystems.create(Behaviors.empty(), "quicmesh");
    try {
      Quicmesh mesh = (endpoint == null
          ? Quicmesh.start(system, "node", config, keypair, Transports.quic(), NodeEnvironment.system())
          : Quicmesh.start(system, "node", config, keypair, Transports.quic(), NodeEnvironment.system(),
              endpoint.registry()))
          .toCompletableFuture().get(90, TimeUnit.SECONDS);
      NodeStatus status = mesh.status().toCompletableFuture().get(30, TimeUnit.SECONDS);
      ControlProtocol protocol = new ControlProtocol(mesh, System.out);
      ObjectNode ready = ready(status);
      if (endpoint != null) {
        ready.put("metrics", "http://" + Addresses.format(endpoint.address()) + MetricsEndpoint.PATH);
      }
      protocol.emit(ready);
      Termination.onSignal(() -> leave(mesh, system, endpoint));
      if (control.equals("stdio")) {
        protocol.serve(System.in);
        if (!protocol.shutdownRequested().isDone()) {
          // End of input without a shutdown request: the controlling process is gone, so stop cleanly.
          mesh.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
      } else {
        // Runs until a signal: Termination leaves the mesh and exits.
        new CompletableFuture<Void>().join();
      }
      return 0;
    } finally {
      if (endpoint != null) {
        endpoint.close();
      }
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** The clean leave on a signal: the node's own shutdown (prunes, state flush, connections closed), then the rest. */
  private static void leave(Quicmesh mesh, ActorSystem<Void> system, MetricsEndpoint endpoint) {
    try {
      mesh.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("quicmesh: the node did not stop cleanly: " + e);
    }
    if (endpoint != null) {
      endpoint.close();
    }
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().completeOnTimeout(null, 10, TimeUnit.SECONDS).join();
  }

  private static ObjectNode ready(NodeStatus status) {
    ObjectNode event = Json.object();
    event.put("event", "ready");
    event.put("node", status.nodeId().toHex());
    List<InetSocketAddress> listen = status.listen();
    event.put("addr", Addresses.format(listen.get(0)));
    event.set("listen", Json.addresses(listen));
    return event;
  }
}
