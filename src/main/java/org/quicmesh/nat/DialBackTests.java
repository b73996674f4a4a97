package org.quicmesh.nat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.quicmesh.nat.NatEvidence.FilteringProbe;
import org.quicmesh.nat.NatEvidence.ProbeSource;
import org.quicmesh.nat.NatEvidence.Via;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Contact.Addresses;
import org.quicmesh.wire.DialBack.Source;
import org.quicmesh.wire.Limits;

/**
 * NAT filtering tests with mesh peers alone, as plain state: one run asks peers for dial-backs (a datagram with a
 * nonce we chose, sent to the address the peer sees us at) from its own IP on another port and from another peer's
 * IP, and notes which arrive. Both are asked at once: asking sends nothing to a new address (the requests go to a peer
 * we already talk to), so one test cannot open the filter for the other. A datagram proves something only if it comes
 * from where it should and from an address {@link SentTo} has no record of (a filter admits those we sent to); one
 * from a contacted address is inconclusive and the test moves to the next peer, asking it to avoid that IP too. A
 * dial-back the peer says it sent but that does not arrive within the wait is filtered; one the peer refused or could
 * not send proves nothing, and the next peer is asked, up to the list's end.
 */
final class DialBackTests {

  /** Ask {@code server} for a dial-back from {@code source}. */
  record Ask(Source source, Contact server, byte[] nonce, List<String> avoid) {}

  private static final HexFormat HEX = HexFormat.of();

  private final List<Contact> servers;
  private final SentTo sentTo;
  private final Random random;
  private final Map<String, Attempt> pending = new HashMap<>();
  private final Map<Source, Integer> nextServer = new EnumMap<>(Source.class);
  private final Map<Source, Set<InetAddress>> tainted = new EnumMap<>(Source.class);
  private final List<FilteringProbe> probes = new ArrayList<>();
  private int inconclusive;

  private static final class Attempt {
    final Source source;
    final Contact server;
    boolean sent;
    Optional<InetSocketAddress> sentFrom = Optional.empty();

    Attempt(Source source, Contact server) {
      this.source = source;
      this.server = server;
    }
  }

  /** @param servers peers to ask, in order of preference (each is asked for each source until one answers) */
  DialBackTests(List<Contact> servers, SentTo sentTo, Random random) {
    this.servers = List.copyOf(servers);
    this.sentTo = sentTo;
    this.random = random;
  }

  List<Ask> start() {
    List<Ask> asks = new ArrayList<>();
    for (Source source : Source.values()) {
      nextServer.put(source, 0);
      tainted.put(source, new LinkedHashSet<>());
      next(source).ifPresent(asks::add);
    }
    return asks;
  }

  /** Whether every source has its answer or has run out of peers. */
  boolean done() {
    return pending.isEmpty();
  }

  /** What the dial-backs showed (a source without a conclusive test has no probe). */
  List<FilteringProbe> probes() {
    return List.copyOf(probes);
  }

  /** Dial-backs that arrived from an address we had sent to (they prove nothing). */
  int inconclusive() {
    return inconclusive;
  }

  /**
   * The peer answered the ask for {@code nonce}: it sent the datagram (from {@code sentFrom}, as the sender names
   * its address), or refused or failed (empty). Returns whether to wait for the datagram now, and any ask for the
   * next peer.
   */
  Answered onAnswer(byte[] nonce, Optional<InetSocketAddress> sentFrom) {
    Attempt attempt = pending.get(key(nonce));
    if (attempt == null) {
      return new Answered(false, List.of()); // concluded already (it arrived), or a stale answer
    }
    if (sentFrom.isPresent()) {
      attempt.sent = true;
      attempt.sentFrom = sentFrom;
      return new Answered(true, List.of());
    }
    pending.remove(key(nonce));
    return new Answered(false, next(attempt.source).stream().toList());
  }

  /** @param waitForDatagram start the wait for this nonce's datagram */
  record Answered(boolean waitForDatagram, List<Ask> next) {}

  /** A datagram carrying {@code nonce} arrived from {@code sender}; returns any ask for the next peer. */
  List<Ask> onArrival(byte[] nonce, InetSocketAddress sender) {
    Attempt attempt = pending.remove(key(nonce));
    if (attempt == null) {
      return List.of();
    }
    if (!provesSomething(attempt, sender)) {
      inconclusive++;
      tainted.get(attempt.source).add(sender.getAddress());
      return next(attempt.source).stream().toList();
    }
    probes.add(new FilteringProbe(probeSource(attempt.source), true, Via.DIAL_BACK, Optional.of(sender)));
    return List.of();
  }

  /** The wait for {@code nonce}'s datagram is over: if it has not arrived, the NAT filtered it. */
  void onWaitOver(byte[] nonce) {
    Attempt attempt = pending.remove(key(nonce));
    if (attempt != null && attempt.sent) {
      probes.add(new FilteringProbe(probeSource(attempt.source), false, Via.DIAL_BACK, attempt.sentFrom));
    }
  }

  private boolean provesSomething(Attempt attempt, InetSocketAddress sender) {
    InetSocketAddress server = attempt.server.socketAddress();
    boolean sameIp = sender.getAddress().equals(server.getAddress());
    return switch (attempt.source) {
      case OTHER_PORT -> sameIp && sender.getPort() != server.getPort() && !sentTo.sentTo(sender);
      case OTHER_IP -> !sameIp && !sentTo.sentToIp(sender.getAddress());
    };
  }

  private Optional<Ask> next(Source source) {
    int index = nextServer.get(source);
    if (index >= servers.size()) {
      return Optional.empty();
    }
    nextServer.put(source, index + 1);
    Contact server = servers.get(index);
    byte[] nonce = new byte[Limits.DIAL_BACK_NONCE_BYTES];
    random.nextBytes(nonce);
    pending.put(key(nonce), new Attempt(source, server));
    return Optional.of(new Ask(source, server, nonce, avoid(source)));
  }

  /** The IPs we sent to lately (most recent first) and those that already sent us an inconclusive dial-back. */
  private List<String> avoid(Source source) {
    if (source == Source.OTHER_PORT) {
      return List.of(); // the peer sends from its own IP; nothing to avoid
    }
    Set<InetAddress> ips = new LinkedHashSet<>(tainted.get(source));
    ips.addAll(sentTo.recentIps(Limits.MAX_DIAL_BACK_AVOID));
    return ips.stream().limit(Limits.MAX_DIAL_BACK_AVOID).map(Addresses::formatIp).toList();
  }

  private static ProbeSource probeSource(Source source) {
    return source == Source.OTHER_IP ? ProbeSource.OTHER_IP : ProbeSource.SAME_IP_OTHER_PORT;
  }

  private static String key(byte[] nonce) {
    return HEX.formatHex(nonce);
  }
}
