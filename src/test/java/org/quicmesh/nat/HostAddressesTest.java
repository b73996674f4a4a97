package org.quicmesh.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostAddressesTest {
  private static final InetSocketAddress LOOPBACK = NatClassifierTest.address("127.0.0.1", 4000);
  private static final InetSocketAddress LAN = NatClassifierTest.address("192.0.2.7", 4000);

  @Test
  void aConcreteListenAddressIsKeptAsIs() {
    assertEquals(List.of(LAN), HostAddresses.expand(List.of(LAN)));
  }

  @Test
  void aWildcardBecomesThisHostsAddressesWithTheSamePortAndNeverStaysAWildcard() {
    List<InetSocketAddress> expanded = HostAddresses.expand(List.of(new InetSocketAddress("0.0.0.0", 4321)));
    assertFalse(expanded.isEmpty(), "every host has at least its loopback address");
    assertTrue(expanded.stream().allMatch(a -> a.getPort() == 4321 && !a.getAddress().isAnyLocalAddress()),
        expanded.toString());
  }

  @Test
  void ourContactNamesAnAddressOthersCanReachWhenThereIsOne() {
    assertEquals(LAN, HostAddresses.preferred(List.of(LOOPBACK, LAN)));
    assertEquals(LOOPBACK, HostAddresses.preferred(List.of(LOOPBACK)), "a loopback-only mesh keeps loopback");
  }
}
