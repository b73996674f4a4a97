package org.quicmesh.nat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.quicmesh.nat.NatEvidence.FilteringProbe;
import org.quicmesh.nat.NatEvidence.MappingObservation;
import org.quicmesh.nat.NatEvidence.ProbeSource;
import org.quicmesh.nat.stun.Retransmission;
import org.quicmesh.nat.stun.StunAttribute;
import org.quicmesh.nat.stun.StunAttribute.ChangeRequest;

/**
 * One run of NAT behaviour discovery (RFC 5780 §4.3-4.4) against STUN servers, as plain state: which Binding requests
 * to send, what each answer proves, and the verdict once nothing is outstanding. Filtering tests ask the server to
 * answer from its other IP and port, then from its other port only, and note which answers get through; mapping tests
 * then ask the server's other IP (and its other IP and port) where it sees us. The order matters on one socket: once
 * we have sent to the other IP, an address-dependent filter admits it, and the filtering test would read as
 * endpoint-independent. For the same reason a new run within a mapping lifetime of the last one can read a restricted
 * cone as a full cone; the detector spaces its runs. Against a server without an alternate address (no
 * OTHER-ADDRESS) the mapping is compared across the next server instead; if that one names an alternate address
 * (any observer may be a two-address node), the full tests run against it, otherwise filtering stays unknown here
 * (the detector then asks mesh peers for dial-backs).
 */
final class NatDetection {

  /** Why a request was sent; it says what its outcome proves. */
  enum Test { FIRST, OTHER_IP, OTHER_IP_AND_PORT, NEXT_SERVER, FILTER_OTHER_IP, FILTER_OTHER_PORT }

  /** Send a Binding request to {@code server}; report its outcome with {@link #onOutcome}. */
  record Bind(Test test, InetSocketAddress server, List<StunAttribute> attributes, Retransmission schedule) {}

  private final List<InetSocketAddress> local;
  private final List<InetSocketAddress> servers;
  private final Retransmission mappingSchedule;
  private final Retransmission filteringSchedule;
  private final List<MappingObservation> mappings = new ArrayList<>();
  private final List<FilteringProbe> probes = new ArrayList<>();
  private int serverIndex;
  private int outstanding;
  private InetSocketAddress first;
  private InetSocketAddress firstMapped;
  private InetSocketAddress other;
  private NatClassification result;

  NatDetection(List<InetSocketAddress> local, List<InetSocketAddress> servers, Retransmission mappingSchedule,
      Retransmission filteringSchedule) {
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("NAT detection needs at least one STUN server");
    }
    this.local = List.copyOf(local);
    this.servers = List.copyOf(servers);
    this.mappingSchedule = Objects.requireNonNull(mappingSchedule, "mappingSchedule");
    this.filteringSchedule = Objects.requireNonNull(filteringSchedule, "filteringSchedule");
  }

  List<Bind> start() {
    return List.of(send(Test.FIRST, servers.get(0), List.of(), mappingSchedule));
  }

  /** The verdict, once every request has ended. */
  Optional<NatClassification> result() {
    return Optional.ofNullable(result);
  }

  /** Takes the outcome of a request sent for {@code test}; returns the requests to send next. */
  List<Bind> onOutcome(Test test, BindingOutcome outcome) {
    outstanding--;
    List<Bind> next = switch (test) {
      case FIRST -> onFirst(outcome);
      case NEXT_SERVER -> onNextServer(outcome);
      case OTHER_IP -> onOtherIp(outcome);
      case OTHER_IP_AND_PORT -> {
        observe(outcome);
        yield List.of();
      }
      case FILTER_OTHER_IP -> onFilterOtherIp(outcome);
      case FILTER_OTHER_PORT -> {
        probes.add(new FilteringProbe(ProbeSource.SAME_IP_OTHER_PORT, answeredFrom(outcome, first.getAddress())));
        yield mappingTests();
      }
    };
    if (outstanding == 0 && result == null) {
      result = NatClassifier.classify(new NatEvidence(local, mappings, probes));
    }
    return next;
  }

  private List<Bind> onFirst(BindingOutcome outcome) {
    if (!(outcome instanceof BindingOutcome.Success success)) {
      return nextServer();
    }
    first = success.server();
    firstMapped = success.mapped();
    mappings.add(new MappingObservation(first, firstMapped));
    if (local.contains(firstMapped)) {
      return List.of(); // no translation: nothing more to learn
    }
    if (success.otherAddress().isEmpty()) {
      return nextServer();
    }
    other = success.otherAddress().get();
    return List.of(send(Test.FILTER_OTHER_IP, first, List.of(new ChangeRequest(true, true)), filteringSchedule));
  }

  private List<Bind> mappingTests() {
    return List.of(
        send(Test.OTHER_IP, new InetSocketAddress(other.getAddress(), first.getPort()), List.of(), mappingSchedule));
  }

  private List<Bind> nextServer() {
    serverIndex++;
    if (serverIndex >= servers.size()) {
      return List.of();
    }
    return List.of(send(first == null ? Test.FIRST : Test.NEXT_SERVER, servers.get(serverIndex), List.of(),
        mappingSchedule));
  }

  private List<Bind> onNextServer(BindingOutcome outcome) {
    observe(outcome);
    if (outcome instanceof BindingOutcome.Success success && success.otherAddress().isPresent()) {
      // A two-address server after plain ones (a mesh peer started with a second --listen): the full tests run
      // against it. We have not sent to its other IP, so the filtering test stays sound.
      first = success.server();
      firstMapped = success.mapped();
      other = success.otherAddress().get();
      return List.of(send(Test.FILTER_OTHER_IP, first, List.of(new ChangeRequest(true, true)), filteringSchedule));
    }
    boolean differentIpSeen = mappings.stream()
        .map(o -> o.observer().getAddress()).distinct().count() > 1;
    return differentIpSeen ? List.of() : nextServer();
  }

  private List<Bind> onOtherIp(BindingOutcome outcome) {
    if (!(outcome instanceof BindingOutcome.Success success)) {
      return List.of();
    }
    observe(outcome);
    return success.mapped().equals(firstMapped) ? List.of()
        : List.of(send(Test.OTHER_IP_AND_PORT, other, List.of(), mappingSchedule));
  }

  private List<Bind> onFilterOtherIp(BindingOutcome outcome) {
    boolean arrived = answeredFrom(outcome, other.getAddress());
    probes.add(new FilteringProbe(ProbeSource.OTHER_IP, arrived));
    return arrived ? mappingTests()
        : List.of(send(Test.FILTER_OTHER_PORT, first, List.of(new ChangeRequest(false, true)), filteringSchedule));
  }

  /** An answer to a CHANGE-REQUEST proves something only if it came from the address we asked for. */
  private boolean answeredFrom(BindingOutcome outcome, java.net.InetAddress expectedIp) {
    return outcome instanceof BindingOutcome.Success success
        && success.from().getAddress().equals(expectedIp)
        && !success.from().equals(first);
  }

  private void observe(BindingOutcome outcome) {
    if (outcome instanceof BindingOutcome.Success success) {
      mappings.add(new MappingObservation(success.server(), success.mapped()));
    }
  }

  private Bind send(Test test, InetSocketAddress server, List<StunAttribute> attributes, Retransmission schedule) {
    outstanding++;
    return new Bind(test, server, attributes, schedule);
  }
}
