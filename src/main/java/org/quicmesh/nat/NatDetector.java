package org.quicmesh.nat;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;
import org.quicmesh.actor.Counters;
import org.quicmesh.actor.Replies;
import org.quicmesh.dht.Dht;
import org.quicmesh.dht.PeerInfo;
import org.quicmesh.nat.NatEvidence.FilteringProbe;
import org.quicmesh.transport.DatagramKind;
import org.quicmesh.transport.DatagramPlane;
import org.quicmesh.transport.InboundRequest;
import org.quicmesh.transport.Reply;
import org.quicmesh.transport.Transport;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.DialBack;
import org.quicmesh.wire.DialBackSent;
import org.quicmesh.wire.Rejected;
import org.quicmesh.wire.Response;

/**
 * Finds out what NAT the node sits behind: runs {@link NatDetection} over its own {@link StunClient} shortly after
 * start, every {@code interval}, and on request, and keeps the last verdict with its evidence. Observers are the
 * configured STUN servers first (two-address ones give the full verdict), then up to {@code meshObservers} peers from
 * the routing table (every node answers STUN on its port): with peers alone the node learns its mapped address and
 * whether its mapping depends on the destination, and, when no observer had an alternate address, tests its filtering
 * with dial-backs from peers ({@link DialBackTests}); it serves such tests to others ({@link DialBackServer}). A run
 * that met fewer than two observer
 * IPs (the node has not joined yet) is tried again after {@code retryWithoutObservers}, backing off. Behind a
 * translating NAT its child {@link BindingKeeper} keeps the NAT's bindings open.
 */
public final class NatDetector extends AbstractBehavior<NatDetector.Command> {

  public sealed interface Command {}

  /**
   * Replies with the verdict: the last one, or that of the run in progress when there is none yet (starting one if
   * none ever ran). {@code rerun} starts a new run (or joins the one in progress) and replies with its verdict.
   */
  public record Detect(boolean rerun, ActorRef<StatusReply<NatClassification>> replyTo) implements Command {}

  /**
   * A peer saw us at {@code address} (WhatIsMyAddr). An IP that is neither ours nor among the last run's mapped ones
   * means the network changed (a new NAT, a new uplink): detection runs again, at least {@code minSpacing} after the
   * last run ended (a run soon after another can misread a restricted cone).
   */
  public record PeerObserved(InetSocketAddress address) implements Command {}

  /** A verified dial-back request from a peer ({@link DialBack} or its relayed form), answered via {@code reply}. */
  public record ServeDialBack(InboundRequest request, CompletableFuture<Response> reply) implements Command {}

  /**
   * What a detector inside a node uses besides its socket: the Dht (routing-table peers as observers, dial-back
   * servers and relays, keepalive targets) and the transport (dial-back requests).
   *
   * @param sentTo where the node's sockets sent lately: a dial-back from there proves nothing
   */
  public record Mesh(ActorRef<Dht.Command> dht, Transport transport, Contact self, Duration requestTimeout,
      SentTo sentTo, DialBackSettings dialBack) {}

  /** Replies with the last verdict, if any, and nothing else: cheap enough for a periodic check (no run starts). */
  public record GetVerdict(ActorRef<Optional<NatClassification>> replyTo) implements Command {}

  /** Replies with the last verdict (if any) and the detector's counters. */
  public record GetStatus(ActorRef<NatStatus> replyTo) implements Command {}

  /** The last verdict and how detection went so far (the detector's and its STUN client's counters). */
  public record NatStatus(Optional<NatClassification> last, boolean running, Map<String, Long> counters) {}

  private record Outcome(NatDetection.Test test, BindingOutcome outcome) implements Command {}

  private record ClientCounters(Map<String, Long> counters, ActorRef<NatStatus> replyTo) implements Command {}

  private record PeersKnown(List<PeerInfo> peers) implements Command {}

  private record DialBackAnswered(byte[] nonce, Reply reply, Throwable failure) implements Command {}

  private record DialBackArrived(byte[] nonce, InetSocketAddress sender) implements Command {}

  private record DialBackWaitOver(byte[] nonce) implements Command {}

  private record ServerCounters(Map<String, Long> gathered, Map<String, Long> server, ActorRef<NatStatus> replyTo)
      implements Command {}

  private enum Tick implements Command { INSTANCE }

  /** A run after the network changed (its own timer key, so the periodic and retry ticks do not cancel it). */
  private enum Rerun implements Command { INSTANCE }

  private record KeeperCounters(Map<String, Long> detector, Map<String, Long> keeper, ActorRef<NatStatus> replyTo)
      implements Command {}


  private final NatSettings settings;
  private final List<InetSocketAddress> local;
  private final DatagramPlane plane;
  private final Consumer<List<InetSocketAddress>> onMapped;
  private final Optional<Mesh> mesh;
  /** Serves dial-backs to peers; only inside a node (with a mesh). */
  private final Optional<ActorRef<DialBackServer.Command>> dialBackServer;
  private final Optional<DatagramPlane.Registration> dialBackListener;
  /** The routing-table peers met when the run began: dial-back servers if the STUN phase leaves filtering open. */
  private List<PeerInfo> runPeers = List.of();
  /** The STUN phase's verdict while dial-backs run. */
  private NatClassification stunVerdict;
  private DialBackTests dialBacks;
  private final TimerScheduler<Command> timers;
  /** Asking the Dht for peers before a run: the run has begun. */
  private boolean gathering;
  private Duration retryDelay;
  private final ActorRef<BindingKeeper.Command> keeper;
  private final Random random;
  /** Spawned with the first run: a node without STUN servers (most simulated ones) carries no client. */
  private ActorRef<StunClient.Command> client;
  private final Counters counters = new Counters();
  private final List<ActorRef<StatusReply<NatClassification>>> waiting = new ArrayList<>();
  private NatDetection run;
  private NatClassification last;
  private java.time.Instant lastRunEnded;
  private final Clock clock;

  /**
   * @param mesh the node's Dht and transport: routing-table peers serve as observers and dial-back servers; empty for
   *     a detector on its own (STUN servers only)
   * @param onMapped told the addresses observers saw us at after each run that found any (the node adds them to its
   *     reachable addresses and endpoint record); called on this actor's thread
   */
  public static Behavior<Command> create(DatagramPlane plane, List<InetSocketAddress> local, NatSettings settings,
      Clock clock, Random random, Optional<Mesh> mesh, Consumer<List<InetSocketAddress>> onMapped) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new NatDetector(ctx, timers, plane, local, settings, clock, random, mesh, onMapped)));
  }

  private NatDetector(ActorContext<Command> ctx, TimerScheduler<Command> timers, DatagramPlane plane,
      List<InetSocketAddress> local, NatSettings settings, Clock clock, Random random,
      Optional<Mesh> mesh, Consumer<List<InetSocketAddress>> onMapped) {
    super(ctx);
    this.timers = timers;
    this.mesh = mesh;
    this.retryDelay = settings.retryWithoutObservers();
    this.keeper = ctx.spawn(BindingKeeper.create(plane, mesh.map(Mesh::dht), settings.keepaliveInterval(),
        settings.keepalivePeers()), "bindings");
    this.dialBackServer = mesh.map(m -> ctx.spawn(DialBackServer.create(m.transport(), m.self(), local, m.dht(),
        m.requestTimeout(), m.dialBack(), clock, new Random(random.nextLong())), "dial-back-server"));
    ActorRef<Command> self = ctx.getSelf();
    this.dialBackListener = mesh.map(m -> plane.listen(DatagramKind.PROBE, datagram ->
        DialBackProbe.nonce(datagram.payload()).ifPresent(nonce ->
            self.tell(new DialBackArrived(nonce, datagram.sender())))));
    this.onMapped = onMapped;
    this.settings = settings;
    this.local = List.copyOf(local);
    this.plane = plane;
    this.clock = clock;
    this.random = random;
    if (!settings.stunServers().isEmpty() || mesh.isPresent()) {
      timers.startSingleTimer(Tick.INSTANCE, settings.firstRunAfter());
      timers.startTimerWithFixedDelay("periodic", Tick.INSTANCE, settings.firstRunAfter().plus(settings.interval()),
          settings.interval());
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Detect.class, this::onDetect)
        .onMessage(PeerObserved.class, this::onPeerObserved)
        .onMessageEquals(Rerun.INSTANCE, () -> {
          startRun();
          return this;
        })
        .onMessageEquals(Tick.INSTANCE, () -> {
          startRun();
          return this;
        })
        .onMessage(Outcome.class, this::onOutcome)
        .onMessage(PeersKnown.class, known -> {
          gathering = false;
          runPeers = known.peers();
          startRun(observers(known.peers()));
          return this;
        })
        .onMessage(ServeDialBack.class, serve -> {
          dialBackServer.ifPresentOrElse(
              server -> server.tell(new DialBackServer.Serve(serve.request(), serve.reply())),
              () -> serve.reply().complete(new Rejected(Rejected.Reason.UNSUPPORTED, "no dial-backs here")));
          return this;
        })
        .onMessage(DialBackAnswered.class, this::onDialBackAnswered)
        .onMessage(DialBackArrived.class, arrived -> {
          if (dialBacks != null) {
            askDialBacks(dialBacks.onArrival(arrived.nonce(), arrived.sender()));
            finishIfDialBacksDone();
          }
          return this;
        })
        .onMessage(DialBackWaitOver.class, over -> {
          if (dialBacks != null) {
            dialBacks.onWaitOver(over.nonce());
            finishIfDialBacksDone();
          }
          return this;
        })
        .onSignal(PostStop.class, stop -> {
          dialBackListener.ifPresent(DatagramPlane.Registration::cancel);
          return this;
        })
        .onSignal(PreRestart.class, restart -> { // a restarted detector registers anew
          dialBackListener.ifPresent(DatagramPlane.Registration::cancel);
          return this;
        })
        .onMessage(GetVerdict.class, get -> {
          get.replyTo().tell(Optional.ofNullable(last));
          return this;
        })
        .onMessage(GetStatus.class, get -> {
          if (client == null) {
            getContext().getSelf().tell(new ClientCounters(Map.of(), get.replyTo()));
          } else {
            client.tell(new StunClient.GetCounters(Replies.once(getContext(), Duration.ofSeconds(2),
                (Map<String, Long> m) -> new ClientCounters(m, get.replyTo()),
                () -> new ClientCounters(Map.of(), get.replyTo()))));
          }
          return this;
        })
        .onMessage(ClientCounters.class, client -> {
          Map<String, Long> detector = new TreeMap<>(counters.snapshot());
          detector.putAll(client.counters());
          keeper.tell(new BindingKeeper.GetCounters(Replies.once(getContext(), Duration.ofSeconds(2),
              (Map<String, Long> m) -> new KeeperCounters(detector, m, client.replyTo()),
              () -> new KeeperCounters(detector, Map.of(), client.replyTo()))));
          return this;
        })
        .onMessage(KeeperCounters.class, gathered -> {
          Map<String, Long> all = new TreeMap<>(gathered.detector());
          all.putAll(gathered.keeper());
          if (dialBackServer.isEmpty()) {
            getContext().getSelf().tell(new ServerCounters(all, Map.of(), gathered.replyTo()));
          } else {
            dialBackServer.get().tell(new DialBackServer.GetCounters(Replies.once(getContext(), Duration.ofSeconds(2),
                (Map<String, Long> m) -> new ServerCounters(all, m, gathered.replyTo()),
                () -> new ServerCounters(all, Map.of(), gathered.replyTo()))));
          }
          return this;
        })
        .onMessage(ServerCounters.class, gathered -> {
          Map<String, Long> all = new TreeMap<>(gathered.gathered());
          all.putAll(gathered.server());
          gathered.replyTo().tell(new NatStatus(Optional.ofNullable(last), run != null, all));
          return this;
        })
        .build();
  }

  private Behavior<Command> onDetect(Detect detect) {
    if (last != null && !detect.rerun()) {
      detect.replyTo().tell(StatusReply.success(last));
    } else {
      waiting.add(detect.replyTo());
      startRun();
    }
    return this;
  }

  private Behavior<Command> onPeerObserved(PeerObserved observed) {
    java.net.InetAddress ip = observed.address().getAddress();
    boolean known = local.stream().anyMatch(a -> a.getAddress().equals(ip))
        || (last != null && last.mapped().stream().anyMatch(a -> a.getAddress().equals(ip)));
    if (known || run != null || gathering || timers.isTimerActive(Rerun.INSTANCE)) {
      return this;
    }
    counters.increment("reruns.address-changed");
    Duration since = lastRunEnded == null ? settings.minSpacing()
        : Duration.between(lastRunEnded, clock.instant());
    Duration wait = since.compareTo(settings.minSpacing()) >= 0 ? Duration.ZERO : settings.minSpacing().minus(since);
    timers.startSingleTimer(Rerun.INSTANCE, wait);
    return this;
  }

  private void startRun() {
    if (run != null || gathering) {
      return;
    }
    if (mesh.isEmpty()) {
      startRun(settings.stunServers());
      return;
    }
    gathering = true;
    mesh.get().dht().tell(new Dht.GetPeers(Replies.once(getContext(), Duration.ofSeconds(5), PeersKnown::new,
        () -> new PeersKnown(List.of()))));
  }

  /** The configured servers, then routing-table peers with IPs of their own (not ours), fastest first. */
  private List<InetSocketAddress> observers(List<PeerInfo> peers) {
    List<InetSocketAddress> observers = new ArrayList<>(settings.stunServers());
    Set<java.net.InetAddress> ips = new HashSet<>();
    observers.forEach(o -> ips.add(o.getAddress()));
    local.forEach(a -> ips.add(a.getAddress()));
    peers.stream()
        .sorted(Comparator.comparingDouble(p -> p.rttMs().orElse(Double.MAX_VALUE)))
        .map(p -> p.contact().socketAddress())
        .filter(a -> !a.isUnresolved() && ips.add(a.getAddress()))
        .limit(settings.meshObservers())
        .forEach(observers::add);
    return observers;
  }

  private void startRun(List<InetSocketAddress> observers) {
    if (observers.isEmpty()) {
      counters.increment("runs.without-observers");
      finish(NatClassifier.classify(new NatEvidence(local, List.of(), List.of())));
      return;
    }
    counters.increment("detections");
    run = new NatDetection(local, observers, settings.mappingSchedule(), settings.filteringSchedule());
    send(run.start());
  }

  private Behavior<Command> onOutcome(Outcome outcome) {
    if (run == null) {
      return this;
    }
    if (stunVerdict != null) {
      return this; // the STUN phase is over; dial-backs are running
    }
    send(run.onOutcome(outcome.test(), outcome.outcome()));
    run.result().ifPresent(this::afterStun);
    return this;
  }

  /**
   * The STUN phase's verdict; if it found an endpoint-independent mapping but could not test filtering (no observer
   * had an alternate address), dial-backs from mesh peers test it before the verdict is final.
   */
  private void afterStun(NatClassification verdict) {
    boolean filteringOpen = verdict.mapping() == MappingBehavior.ENDPOINT_INDEPENDENT
        && verdict.filtering() == FilteringBehavior.UNKNOWN;
    if (!filteringOpen || mesh.isEmpty() || mesh.get().dialBack().servers() == 0) {
      finish(verdict);
      return;
    }
    List<Contact> servers = runPeers.stream()
        .sorted(Comparator.comparingDouble(p -> p.rttMs().orElse(Double.MAX_VALUE)))
        .map(PeerInfo::contact)
        .filter(c -> !c.socketAddress().isUnresolved() && !local.contains(c.socketAddress()))
        .limit(mesh.get().dialBack().servers())
        .toList();
    stunVerdict = verdict;
    dialBacks = new DialBackTests(servers, mesh.get().sentTo(), random);
    counters.increment("dial-back.runs");
    askDialBacks(dialBacks.start());
    finishIfDialBacksDone();
  }

  private void askDialBacks(List<DialBackTests.Ask> asks) {
    Mesh m = mesh.orElseThrow();
    for (DialBackTests.Ask ask : asks) {
      counters.increment("dial-back.asked." + ask.source().name().toLowerCase(Locale.ROOT));
      getContext().pipeToSelf(m.transport().request(ask.server(),
              new DialBack(m.self(), ask.source(), ask.nonce(), ask.avoid()), m.requestTimeout()),
          (reply, failure) -> new DialBackAnswered(ask.nonce(), reply, failure));
    }
  }

  private Behavior<Command> onDialBackAnswered(DialBackAnswered answered) {
    if (dialBacks == null) {
      return this;
    }
    Optional<InetSocketAddress> sentFrom = answered.failure() == null
        && answered.reply().response() instanceof DialBackSent sent
        ? Optional.of(Contact.Addresses.parse(sent.from())) : Optional.empty();
    if (sentFrom.isEmpty()) {
      counters.increment("dial-back.not-sent");
    }
    DialBackTests.Answered next = dialBacks.onAnswer(answered.nonce(), sentFrom);
    if (next.waitForDatagram()) {
      timers.startSingleTimer(HexFormat.of().formatHex(answered.nonce()),
          new DialBackWaitOver(answered.nonce()), mesh.orElseThrow().dialBack().patience());
    }
    askDialBacks(next.next());
    finishIfDialBacksDone();
    return this;
  }

  private void finishIfDialBacksDone() {
    if (dialBacks == null || !dialBacks.done()) {
      return;
    }
    counters.add("dial-back.inconclusive", dialBacks.inconclusive());
    List<FilteringProbe> probes = new ArrayList<>(stunVerdict.evidence().filtering());
    probes.addAll(dialBacks.probes());
    NatEvidence evidence = new NatEvidence(local, stunVerdict.evidence().mappings(), probes);
    dialBacks = null;
    stunVerdict = null;
    finish(NatClassifier.classify(evidence));
  }

  private void send(List<NatDetection.Bind> binds) {
    for (NatDetection.Bind bind : binds) {
      Duration patience = bind.schedule().timeout().plusSeconds(1);
      ActorRef<BindingOutcome> replyTo = Replies.once(getContext(), patience,
          (BindingOutcome o) -> new Outcome(bind.test(), o),
          () -> new Outcome(bind.test(), new BindingOutcome.Failure(bind.server(), "STUN client did not answer")));
      client().tell(new StunClient.Bind(bind.server(), bind.attributes(), bind.schedule(), replyTo));
    }
  }

  /**
   * A node that has not met two observers with different IPs yet (it is still joining) tries again soon, backing off
   * up to the regular interval, rather than keeping an undecided verdict for a whole interval.
   */
  private void retrySoonIfTooFewObservers(NatClassification verdict) {
    long observerIps = verdict.evidence().mappings().stream().map(o -> o.observer().getAddress()).distinct().count();
    if (mesh.isEmpty() || verdict.type() != NatType.UNKNOWN || observerIps >= 2) {
      retryDelay = settings.retryWithoutObservers();
      return;
    }
    timers.startSingleTimer(Tick.INSTANCE, retryDelay);
    retryDelay = retryDelay.multipliedBy(2).compareTo(settings.interval()) > 0 ? settings.interval()
        : retryDelay.multipliedBy(2);
  }

  /** Behind a translating NAT (mapped elsewhere than our own addresses), its bindings are kept open. */
  private void keepBindingsOpen(NatClassification verdict) {
    if (verdict.mapped().stream().anyMatch(m -> !local.contains(m))) {
      Set<InetSocketAddress> own = new HashSet<>(local);
      own.addAll(verdict.mapped());
      keeper.tell(new BindingKeeper.BehindNat(own));
    }
  }

  private ActorRef<StunClient.Command> client() {
    if (client == null) {
      client = getContext().spawn(StunClient.create(plane, clock, random), "stun-client");
    }
    return client;
  }

  private void finish(NatClassification verdict) {
    run = null;
    lastRunEnded = clock.instant();
    last = verdict;
    retrySoonIfTooFewObservers(verdict);
    counters.increment("verdicts." + verdict.type().name().toLowerCase(java.util.Locale.ROOT));
    if (last.type() != NatType.UNKNOWN) {
      getContext().getLog().debug("NAT detected: {} (mapping {}, filtering {}, mapped {})", verdict.type(),
          verdict.mapping(), verdict.filtering(), verdict.mapped());
    }
    if (!verdict.mapped().isEmpty() && verdict.type() != NatType.NONE) {
      onMapped.accept(verdict.mapped());
      keepBindingsOpen(verdict);
    }
    waiting.forEach(ref -> ref.tell(StatusReply.success(verdict)));
    waiting.clear();
  }
}
