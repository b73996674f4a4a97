package org.quicmesh.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quicmesh.nat.NatDetection.Bind;
import org.quicmesh.nat.stun.Retransmission;
import org.quicmesh.nat.stun.StunAttribute.ChangeRequest;

/** Detection against a model of a NAT in front of RFC 5780 servers: every class comes out as it went in. */
class NatDetectionTest {
  private static final InetSocketAddress LOCAL = NatClassifierTest.address("192.0.2.10", 4000);
  private static final InetSocketAddress MAPPED = NatClassifierTest.address("198.51.100.1", 4000);
  private static final InetSocketAddress S1 = NatClassifierTest.address("203.0.113.10", 3478);
  private static final InetSocketAddress S1_OTHER = NatClassifierTest.address("203.0.113.11", 3479);
  private static final InetSocketAddress PLAIN_A = NatClassifierTest.address("203.0.113.20", 3478);
  private static final InetSocketAddress PLAIN_B = NatClassifierTest.address("203.0.113.21", 3478);
  private static final Retransmission FAST = new Retransmission(Duration.ofMillis(100), 3, 4);

  enum Filter { OPEN, ADDRESS, ADDRESS_AND_PORT }

  /**
   * A NAT (or none) in front of STUN servers: it maps per its behaviour, remembers whom the host sent to, and admits
   * answers per its filter; RFC 5780 servers answer CHANGE-REQUEST from their other address.
   */
  static final class World {
    final boolean translates;
    final boolean endpointIndependent;
    final Filter filter;
    final boolean rfc5780;
    final Set<InetSocketAddress> contacted = new HashSet<>();
    final List<InetSocketAddress> destinations = new ArrayList<>();

    World(boolean translates, boolean endpointIndependent, Filter filter, boolean rfc5780) {
      this.translates = translates;
      this.endpointIndependent = endpointIndependent;
      this.filter = filter;
      this.rfc5780 = rfc5780;
    }

    BindingOutcome respond(Bind bind) {
      InetSocketAddress server = bind.server();
      contacted.add(server);
      if (!destinations.contains(server)) {
        destinations.add(server);
      }
      InetSocketAddress mapped = !translates ? LOCAL
          : endpointIndependent ? MAPPED
          : new InetSocketAddress(MAPPED.getAddress(), 50000 + destinations.indexOf(server));
      ChangeRequest change = bind.attributes().stream().filter(ChangeRequest.class::isInstance)
          .map(ChangeRequest.class::cast).findFirst().orElse(new ChangeRequest(false, false));
      boolean twoAddress = rfc5780 && !server.equals(PLAIN_A) && !server.equals(PLAIN_B); // plain ones stay plain
      InetSocketAddress from = !twoAddress ? server : new InetSocketAddress(
          change.changeIp() ? S1_OTHER.getAddress() : server.getAddress(),
          change.changePort() ? S1_OTHER.getPort() : server.getPort());
      boolean admitted = !translates || switch (filter) {
        case OPEN -> true;
        case ADDRESS -> contacted.stream().anyMatch(c -> c.getAddress().equals(from.getAddress()));
        case ADDRESS_AND_PORT -> contacted.contains(from);
      };
      return admitted
          ? new BindingOutcome.Success(server, mapped, from, Optional.of(from),
              twoAddress ? Optional.of(S1_OTHER) : Optional.empty(), Duration.ofMillis(30))
          : new BindingOutcome.Failure(server, "filtered");
    }
  }

  private static NatClassification detect(World world, List<InetSocketAddress> servers) {
    NatDetection detection = new NatDetection(List.of(LOCAL), servers, FAST, FAST);
    ArrayDeque<Bind> queue = new ArrayDeque<>(detection.start());
    int requests = 0;
    while (!queue.isEmpty()) {
      Bind bind = queue.poll();
      requests++;
      queue.addAll(detection.onOutcome(bind.test(), world.respond(bind)));
    }
    assertTrue(requests <= 4 + servers.size(), "five tests at most, after a Binding to each plain server: " + requests);
    return detection.result().orElseThrow();
  }

  @Test
  void everyClassIsDetectedAgainstAnRfc5780Server() {
    assertEquals(NatType.NONE, detect(new World(false, true, Filter.OPEN, true), List.of(S1)).type());
    assertEquals(NatType.FULL_CONE, detect(new World(true, true, Filter.OPEN, true), List.of(S1)).type());
    assertEquals(NatType.RESTRICTED_CONE, detect(new World(true, true, Filter.ADDRESS, true), List.of(S1)).type());
    assertEquals(NatType.PORT_RESTRICTED_CONE,
        detect(new World(true, true, Filter.ADDRESS_AND_PORT, true), List.of(S1)).type());
    NatClassification symmetric = detect(new World(true, false, Filter.ADDRESS_AND_PORT, true), List.of(S1));
    assertEquals(NatType.SYMMETRIC, symmetric.type());
    assertEquals(MappingBehavior.ADDRESS_AND_PORT_DEPENDENT, symmetric.mapping());
  }

  @Test
  void filteringIsTestedBeforeTheOtherIpIsContacted() {
    World restricted = new World(true, true, Filter.ADDRESS, true);
    NatClassification c = detect(restricted, List.of(S1));
    assertEquals(FilteringBehavior.ADDRESS_DEPENDENT, c.filtering(),
        "had the mapping test reached the other IP first, its answers would pass the filter");
  }

  @Test
  void withoutRfc5780ServersTheMappingComesFromTwoServersAndFilteringStaysUnknown() {
    assertEquals(NatType.SYMMETRIC,
        detect(new World(true, false, Filter.ADDRESS_AND_PORT, false), List.of(PLAIN_A, PLAIN_B)).type());
    NatClassification cone = detect(new World(true, true, Filter.OPEN, false), List.of(PLAIN_A, PLAIN_B));
    assertEquals(MappingBehavior.ENDPOINT_INDEPENDENT, cone.mapping());
    assertEquals(NatType.UNKNOWN, cone.type());
  }

  @Test
  void aTwoAddressServerAfterAPlainOneGetsTheFullTests() {
    List<InetSocketAddress> plainFirst = List.of(PLAIN_A, S1);
    assertEquals(NatType.FULL_CONE, detect(new World(true, true, Filter.OPEN, true), plainFirst).type());
    assertEquals(NatType.RESTRICTED_CONE, detect(new World(true, true, Filter.ADDRESS, true), plainFirst).type());
    assertEquals(NatType.PORT_RESTRICTED_CONE,
        detect(new World(true, true, Filter.ADDRESS_AND_PORT, true), plainFirst).type());
    assertEquals(NatType.SYMMETRIC,
        detect(new World(true, false, Filter.ADDRESS_AND_PORT, true), plainFirst).type());
  }

  @Test
  void unreachableServersGiveUnknownAndTheNextServerIsTried() {
    NatDetection detection = new NatDetection(List.of(LOCAL), List.of(PLAIN_A, S1), FAST, FAST);
    List<Bind> first = detection.start();
    List<Bind> next = detection.onOutcome(first.get(0).test(), new BindingOutcome.Failure(PLAIN_A, "timeout"));
    assertEquals(S1, next.get(0).server());
    assertTrue(detection.onOutcome(next.get(0).test(), new BindingOutcome.Failure(S1, "timeout")).isEmpty());
    assertEquals(NatType.UNKNOWN, detection.result().orElseThrow().type());
  }
}
