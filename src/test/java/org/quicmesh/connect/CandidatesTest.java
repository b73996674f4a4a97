package org.quicmesh.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.Contact;

/** The order in which a peer's addresses are dialed, and the relays its record names. */
class CandidatesTest {
  private static final String ID_A = "ab".repeat(32);
  private static final String ID_B = "CD".repeat(32);

  private static InetSocketAddress at(String ip, int port) {
    return new InetSocketAddress(ip, port);
  }

  @Test
  void publicAddressesComeBeforePrivateOnesAndLoopbackComesLast() {
    List<InetSocketAddress> order = Candidates.dialOrder(
        List.of("127.0.0.1:4000", "192.168.1.5:4000", "203.0.113.7:4000", "10.1.2.3:4000"));

    assertEquals(List.of(at("203.0.113.7", 4000), at("192.168.1.5", 4000), at("10.1.2.3", 4000),
        at("127.0.0.1", 4000)), order);
  }

  @Test
  void withinAClassTheGivenOrderIsKept() {
    List<InetSocketAddress> order = Candidates.dialOrder(
        List.of("198.51.100.9:1", "172.16.0.1:2", "203.0.113.7:3", "10.0.0.1:4", "192.0.2.1:5"));

    assertEquals(List.of(at("198.51.100.9", 1), at("203.0.113.7", 3), at("192.0.2.1", 5), at("172.16.0.1", 2),
        at("10.0.0.1", 4)), order);
  }

  @Test
  void linkLocalAddressesCountAsPrivate() {
    List<InetSocketAddress> order = Candidates.dialOrder(
        List.of("169.254.1.1:1", "[::1]:2", "203.0.113.7:3", "[fe80::1]:4"));

    assertEquals(List.of(at("203.0.113.7", 3), at("169.254.1.1", 1), at("fe80::1", 4), at("::1", 2)), order);
  }

  @Test
  void wildcardAddressesAreDropped() {
    List<InetSocketAddress> order = Candidates.dialOrder(List.of("0.0.0.0:4000", "[::]:4000", "203.0.113.7:4000"));

    assertEquals(List.of(at("203.0.113.7", 4000)), order);
  }

  @Test
  void duplicatesAreRemovedKeepingTheFirst() {
    List<InetSocketAddress> order = Candidates.dialOrder(
        List.of("203.0.113.7:4000", "10.0.0.1:4000", "203.0.113.7:4000", "10.0.0.1:4000"));

    assertEquals(List.of(at("203.0.113.7", 4000), at("10.0.0.1", 4000)), order);
  }

  @Test
  void sameIpOnAnotherPortIsAnotherCandidate() {
    assertEquals(2, Candidates.dialOrder(List.of("203.0.113.7:4000", "203.0.113.7:4001")).size());
  }

  @Test
  void unparseableAddressesAreSkipped() {
    List<InetSocketAddress> order = Candidates.dialOrder(
        List.of("example.org:4000", "203.0.113.7", "203.0.113.7:99999", "", "10.0.0.1:4000"));

    assertEquals(List.of(at("10.0.0.1", 4000)), order);
  }

  @Test
  void orderDropsUnresolvedAddresses() {
    List<InetSocketAddress> order = Candidates.order(
        List.of(InetSocketAddress.createUnresolved("peer.example", 4000), at("203.0.113.7", 4000)));

    assertEquals(List.of(at("203.0.113.7", 4000)), order);
  }

  @Test
  void orderOfNothingIsNothing() {
    assertTrue(Candidates.order(List.of()).isEmpty());
  }

  @Test
  void relaysAreParsedFromIdAtAddress() {
    List<Contact> relays = Candidates.relays(List.of(ID_A + "@203.0.113.1:7000", ID_B + "@[2001:db8::1]:7001"));

    assertEquals(List.of(new Contact(NodeId.fromHex(ID_A), "203.0.113.1:7000"),
        new Contact(NodeId.fromHex(ID_B), "[2001:db8::1]:7001")), relays);
  }

  @Test
  void aFailoverTriesTheRelayItLostLast() {
    List<Contact> relays = Candidates.relays(List.of(ID_A + "@203.0.113.1:7000", ID_B + "@203.0.113.2:7000"));
    List<Contact> ordered = Candidates.lastOf(relays, relays.get(0).id());
    assertEquals(List.of(relays.get(1), relays.get(0)), ordered, "the lost one may have restarted: still tried, last");
    assertEquals(relays, Candidates.lastOf(relays, relays.get(1).id()));
  }

  @Test
  void relayEntriesWithoutAnIdAreSkipped() {
    List<Contact> relays = Candidates.relays(
        List.of("203.0.113.1:7000", "@203.0.113.1:7000", ID_A + "@203.0.113.2:7000"));

    assertEquals(List.of(new Contact(NodeId.fromHex(ID_A), "203.0.113.2:7000")), relays);
  }

  @Test
  void relayEntriesWithAMalformedIdAreSkipped() {
    String notHex = "zz".repeat(32);
    String tooShort = ID_A.substring(2);
    String tooLong = ID_A + "ab";

    List<Contact> relays = Candidates.relays(List.of(notHex + "@203.0.113.1:7000", tooShort + "@203.0.113.1:7000",
        tooLong + "@203.0.113.1:7000", ID_B + "@203.0.113.3:7000"));

    assertEquals(List.of(new Contact(NodeId.fromHex(ID_B), "203.0.113.3:7000")), relays);
  }

  @Test
  void relayEntriesWithAMalformedAddressAreSkipped() {
    List<Contact> relays = Candidates.relays(List.of(ID_A + "@relay.example:7000", ID_A + "@203.0.113.1",
        ID_A + "@", ID_A + "@203.0.113.1:70000", ID_B + "@203.0.113.3:7000"));

    assertEquals(List.of(new Contact(NodeId.fromHex(ID_B), "203.0.113.3:7000")), relays);
  }

  @Test
  void ipv6UniqueLocalAddressesCountAsPrivate() {
    List<InetSocketAddress> order = Candidates.dialOrder(List.of("[fd12:3456::1]:1", "[2001:db8::7]:2"));

    assertEquals(List.of(at("2001:db8::7", 2), at("fd12:3456::1", 1)), order);
  }

  @Test
  void carrierGradeNatSharedAddressesCountAsPrivate() {
    List<InetSocketAddress> order = Candidates.dialOrder(
        List.of("100.64.0.1:1", "100.127.255.254:2", "100.63.0.1:3", "100.128.0.1:4"));

    assertEquals(List.of(at("100.63.0.1", 3), at("100.128.0.1", 4), at("100.64.0.1", 1), at("100.127.255.254", 2)),
        order, "100.64.0.0/10 only");
  }

  @Test
  void relaysReadBackTheEntriesTheRelayClientWrites() {
    List<Contact> held = List.of(new Contact(NodeId.fromHex(ID_A), "203.0.113.1:7000"),
        new Contact(NodeId.fromHex(ID_B), "[2001:db8::1]:7001"));

    List<String> entries = held.stream().map(org.quicmesh.wire.RelayEntry::format).toList();

    assertEquals(held, Candidates.relays(entries));
  }
}
