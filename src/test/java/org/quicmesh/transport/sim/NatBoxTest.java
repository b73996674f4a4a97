package org.quicmesh.transport.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quicmesh.transport.sim.NatBehavior.Dependence;
import org.quicmesh.transport.sim.NatBehavior.PortAllocation;

/** The NAT table alone: RFC 4787 mapping, filtering, allocation, timeout and hairpinning, on a hand-moved clock. */
class NatBoxTest {
  private static final InetAddress PUBLIC_IP = ip("127.0.0.200");
  private static final InetSocketAddress ALICE = endpoint("10.0.1.1", 4000);
  private static final InetSocketAddress BOB = endpoint("10.0.1.2", 4000);
  private static final InetSocketAddress SERVER = endpoint("127.0.0.1", 4000);
  private static final InetSocketAddress SERVER_OTHER_PORT = endpoint("127.0.0.1", 4001);
  private static final InetSocketAddress STRANGER = endpoint("127.0.0.2", 4000);

  private final ManualClock clock = new ManualClock();

  /** A clock the test moves by hand. */
  private static final class ManualClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private NatBox box(NatBehavior behavior) {
    return new NatBox(PUBLIC_IP, behavior, clock, new Random(7)::nextInt);
  }

  /** A box whose random source must not be touched (port-preserving boxes never draw). */
  private NatBox boxWithoutRandom(NatBehavior behavior) {
    return new NatBox(PUBLIC_IP, behavior, clock, bound -> {
      throw new AssertionError("a port-preserving NAT drew a random number");
    });
  }

  private static NatBox.Inbound from(NatBox box, InetSocketAddress remote, InetSocketAddress mapped) {
    return box.inbound(remote, mapped);
  }

  @Test
  void noneTranslatesNothingAndAdmitsNothingAtItsOwnAddress() {
    NatBox box = boxWithoutRandom(NatBehavior.NONE);
    assertEquals(ALICE, box.outbound(ALICE, SERVER));
    assertEquals(NatDrop.NO_MAPPING, from(box, SERVER, new InetSocketAddress(PUBLIC_IP, 4000)).drop());
    assertEquals(0, box.mappingCount());
  }

  @Test
  void fullConeAdmitsAnyoneOnceMappedAndNobodyBefore() {
    NatBox box = boxWithoutRandom(NatBehavior.FULL_CONE);
    InetSocketAddress publicEndpoint = new InetSocketAddress(PUBLIC_IP, 4000);
    assertEquals(NatDrop.NO_MAPPING, from(box, SERVER, publicEndpoint).drop());

    InetSocketAddress mapped = box.outbound(ALICE, SERVER);

    assertEquals(publicEndpoint, mapped, "port preserved");
    assertEquals(mapped, box.outbound(ALICE, STRANGER), "endpoint-independent mapping");
    NatBox.Inbound in = from(box, endpoint("127.0.0.9", 999), mapped);
    assertTrue(in.admitted());
    assertEquals(ALICE, in.inside());
    assertEquals(endpoint("127.0.0.9", 999), in.source());
  }

  @Test
  void restrictedConeAdmitsAnyPortOfAnAddressSentToOnly() {
    NatBox box = boxWithoutRandom(NatBehavior.RESTRICTED_CONE);
    InetSocketAddress mapped = box.outbound(ALICE, SERVER);

    assertEquals(ALICE, from(box, SERVER, mapped).inside());
    assertEquals(ALICE, from(box, SERVER_OTHER_PORT, mapped).inside());
    assertEquals(NatDrop.FILTERED, from(box, STRANGER, mapped).drop());
  }

  @Test
  void portRestrictedConeAdmitsOnlyTheEndpointsSentTo() {
    NatBox box = boxWithoutRandom(NatBehavior.PORT_RESTRICTED_CONE);
    InetSocketAddress mapped = box.outbound(ALICE, SERVER);

    assertEquals(ALICE, from(box, SERVER, mapped).inside());
    assertEquals(NatDrop.FILTERED, from(box, SERVER_OTHER_PORT, mapped).drop());
    assertEquals(NatDrop.FILTERED, from(box, STRANGER, mapped).drop());
    assertEquals(mapped, box.outbound(ALICE, STRANGER), "cone: the same mapping for every destination");
    assertEquals(ALICE, from(box, STRANGER, mapped).inside());
  }

  @Test
  void symmetricMapsEachDestinationToItsOwnRandomPortThatOnlyItMayAnswer() {
    NatBox box = box(NatBehavior.SYMMETRIC);
    InetSocketAddress toServer = box.outbound(ALICE, SERVER);
    InetSocketAddress toServerOtherPort = box.outbound(ALICE, SERVER_OTHER_PORT);
    InetSocketAddress toStranger = box.outbound(ALICE, STRANGER);

    assertEquals(3, Set.of(toServer.getPort(), toServerOtherPort.getPort(), toStranger.getPort()).size());
    assertEquals(toServer, box.outbound(ALICE, SERVER), "the mapping is reused while it lives");
    assertEquals(ALICE, from(box, SERVER, toServer).inside());
    assertEquals(NatDrop.FILTERED, from(box, STRANGER, toServer).drop());
    assertEquals(NatDrop.FILTERED, from(box, SERVER_OTHER_PORT, toServer).drop());
    assertEquals(3, box.mappingCount());
  }

  @Test
  void addressDependentMappingSharesAMappingAcrossPortsOfOneAddress() {
    NatBox box = boxWithoutRandom(NatBehavior.FULL_CONE.withMapping(Dependence.ADDRESS_DEPENDENT));
    InetSocketAddress toServer = box.outbound(ALICE, SERVER);
    assertEquals(toServer, box.outbound(ALICE, SERVER_OTHER_PORT));
    assertNotEquals(toServer, box.outbound(ALICE, STRANGER));
  }

  @Test
  void anAdmittedSenderIsAnsweredThroughTheMappingItCameInBy() {
    // Symmetric mapping with open filtering: a stranger reaches the mapping opened toward the server, and the host's
    // answer leaves from that same port (connection tracking), not from a fresh one.
    NatBox box = box(NatBehavior.SYMMETRIC.withFiltering(Dependence.ENDPOINT_INDEPENDENT));
    InetSocketAddress mapped = box.outbound(ALICE, SERVER);
    assertTrue(from(box, STRANGER, mapped).admitted());
    assertEquals(mapped, box.outbound(ALICE, STRANGER));
    assertEquals(1, box.mappingCount());
  }

  @Test
  void anExpiredMappingTowardTheSenderDoesNotHideTheOneItCameInBy() {
    NatBox box = box(NatBehavior.SYMMETRIC.withFiltering(Dependence.ENDPOINT_INDEPENDENT));
    box.outbound(ALICE, STRANGER);
    clock.advance(Duration.ofSeconds(100));
    InetSocketAddress mapped = box.outbound(ALICE, SERVER);
    clock.advance(Duration.ofSeconds(30)); // the mapping toward the stranger has expired, the one toward the server not

    assertTrue(from(box, STRANGER, mapped).admitted());
    assertEquals(mapped, box.outbound(ALICE, STRANGER));
  }

  @Test
  void aMappingExpiresAfterTheTimeoutUnlessOutboundTrafficRefreshesIt() {
    NatBox box = boxWithoutRandom(NatBehavior.PORT_RESTRICTED_CONE.withTimeout(Duration.ofSeconds(120)));
    InetSocketAddress mapped = box.outbound(ALICE, SERVER);

    clock.advance(Duration.ofSeconds(100));
    assertTrue(from(box, SERVER, mapped).admitted(), "alive at 100 s");
    clock.advance(Duration.ofSeconds(30));
    assertEquals(NatDrop.NO_MAPPING, from(box, SERVER, mapped).drop(), "inbound traffic did not refresh it");
    assertEquals(0, box.mappingCount());

    InetSocketAddress again = box.outbound(ALICE, SERVER);
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofSeconds(100));
      box.outbound(ALICE, SERVER); // a keepalive below the timeout
    }
    clock.advance(Duration.ofSeconds(119));
    assertEquals(ALICE, from(box, SERVER, again).inside(), "kept open by outbound traffic for 619 s");
  }

  @Test
  void eachDestinationsPermissionLapsesOnItsOwn() {
    NatBox box = boxWithoutRandom(NatBehavior.PORT_RESTRICTED_CONE);
    InetSocketAddress mapped = box.outbound(ALICE, SERVER);
    clock.advance(Duration.ofSeconds(100));
    box.outbound(ALICE, STRANGER);
    clock.advance(Duration.ofSeconds(50));

    assertEquals(NatDrop.FILTERED, from(box, SERVER, mapped).drop(), "150 s since Alice last sent to the server");
    assertEquals(ALICE, from(box, STRANGER, mapped).inside(), "50 s since Alice last sent to the stranger");
  }

  @Test
  void hostsBehindOneBoxShareItsAddressWithDistinctPorts() {
    NatBox box = boxWithoutRandom(NatBehavior.FULL_CONE);
    InetSocketAddress alice = box.outbound(ALICE, SERVER);
    InetSocketAddress bob = box.outbound(BOB, SERVER);

    assertEquals(PUBLIC_IP, bob.getAddress());
    assertEquals(4000, alice.getPort(), "the first keeps its private port");
    assertEquals(4001, bob.getPort(), "the second gets the next free one");
    assertEquals(ALICE, from(box, SERVER, alice).inside());
    assertEquals(BOB, from(box, SERVER, bob).inside());
  }

  @Test
  void anExpiredMappingsPortIsFreeAgain() {
    NatBox box = boxWithoutRandom(NatBehavior.FULL_CONE);
    box.outbound(ALICE, SERVER);
    clock.advance(NatBehavior.DEFAULT_TIMEOUT);
    assertEquals(4000, box.outbound(BOB, SERVER).getPort());
    assertEquals(4001, box.outbound(ALICE, SERVER).getPort());
  }

  @Test
  void randomAllocationDrawsDistinctPortsFromTheInjectedRandomReproducibly() {
    NatBehavior randomCone = NatBehavior.FULL_CONE.withPorts(PortAllocation.RANDOM);
    NatBox box = box(randomCone);
    NatBox same = box(randomCone);
    Set<Integer> ports = new HashSet<>();
    for (int host = 1; host <= 50; host++) {
      InetSocketAddress inside = endpoint("10.0.1." + host, 4000);
      int port = box.outbound(inside, SERVER).getPort();
      assertTrue(port >= NatBox.MIN_PORT && port <= NatBox.MAX_PORT, "port " + port);
      assertEquals(port, same.outbound(inside, SERVER).getPort(), "same seed, same ports");
      ports.add(port);
    }
    assertEquals(50, ports.size());
    assertFalse(ports.stream().allMatch(port -> port >= 4000 && port < 4050), "not preserved and counted up");
  }

  @Test
  void hairpinningLoopsAPacketBackInFromTheSendersPublicEndpoint() {
    NatBox box = boxWithoutRandom(NatBehavior.FULL_CONE.withHairpinning(true));
    InetSocketAddress bob = box.outbound(BOB, SERVER);

    NatBox.Inbound looped = box.hairpin(ALICE, bob);

    assertTrue(looped.admitted());
    assertEquals(BOB, looped.inside());
    assertEquals(new InetSocketAddress(PUBLIC_IP, 4001), looped.source(), "Alice's public endpoint, not her private");
  }

  @Test
  void hairpinningObeysTheDestinationsFilter() {
    NatBox box = boxWithoutRandom(NatBehavior.PORT_RESTRICTED_CONE.withHairpinning(true));
    InetSocketAddress bob = box.outbound(BOB, SERVER);
    assertEquals(NatDrop.FILTERED, box.hairpin(ALICE, bob).drop());
  }

  @Test
  void withoutHairpinningAPacketToTheBoxesOwnAddressIsDroppedAndOpensNothing() {
    NatBox box = boxWithoutRandom(NatBehavior.FULL_CONE);
    InetSocketAddress bob = box.outbound(BOB, SERVER);
    NatBox.Inbound looped = box.hairpin(ALICE, bob);
    assertEquals(NatDrop.NO_HAIRPINNING, looped.drop());
    assertNull(looped.inside());
    assertEquals(1, box.mappingCount());
  }

  @Test
  void aPacketForAnotherAddressFindsNoMapping() {
    NatBox box = boxWithoutRandom(NatBehavior.FULL_CONE);
    InetSocketAddress mapped = box.outbound(ALICE, SERVER);
    assertEquals(NatDrop.NO_MAPPING, from(box, SERVER, new InetSocketAddress(ip("127.0.0.201"), mapped.getPort()))
        .drop());
  }

  @Test
  void aTimeoutMustBePositive() {
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> NatBehavior.FULL_CONE.withTimeout(Duration.ZERO));
  }

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static InetSocketAddress endpoint(String ip, int port) {
    return new InetSocketAddress(ip(ip), port);
  }
}
