package org.quicmesh.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicmesh.nat.NatEvidence.FilteringProbe;
import org.quicmesh.nat.NatEvidence.MappingObservation;
import org.quicmesh.nat.NatEvidence.ProbeSource;

class NatClassifierTest {
  private static final InetSocketAddress LOCAL = address("192.0.2.10", 4000);
  private static final InetSocketAddress A1 = address("203.0.113.1", 3478);
  private static final InetSocketAddress A2 = address("203.0.113.1", 3479);
  private static final InetSocketAddress B1 = address("203.0.113.2", 3478);
  private static final InetSocketAddress M = address("198.51.100.1", 4000);
  private static final InetSocketAddress M2 = address("198.51.100.1", 51234);
  private static final InetSocketAddress M3 = address("198.51.100.1", 62000);

  private static final List<FilteringProbe> OPEN = List.of(probe(ProbeSource.OTHER_IP, true));
  private static final List<FilteringProbe> ADDRESS_FILTER =
      List.of(probe(ProbeSource.OTHER_IP, false), probe(ProbeSource.SAME_IP_OTHER_PORT, true));
  private static final List<FilteringProbe> PORT_FILTER =
      List.of(probe(ProbeSource.OTHER_IP, false), probe(ProbeSource.SAME_IP_OTHER_PORT, false));

  @Test
  void theFiveClassesFromTheirEvidence() {
    assertEquals(NatType.NONE, classify(List.of(seen(A1, LOCAL), seen(B1, LOCAL)), PORT_FILTER).type());
    assertEquals(NatType.FULL_CONE, classify(List.of(seen(A1, M), seen(B1, M)), OPEN).type());
    assertEquals(NatType.RESTRICTED_CONE, classify(List.of(seen(A1, M), seen(B1, M)), ADDRESS_FILTER).type());
    assertEquals(NatType.PORT_RESTRICTED_CONE, classify(List.of(seen(A1, M), seen(B1, M)), PORT_FILTER).type());
    assertEquals(NatType.SYMMETRIC, classify(List.of(seen(A1, M), seen(B1, M2)), PORT_FILTER).type());
  }

  @Test
  void mappingBehaviourTellsAddressFromPortDependence() {
    assertEquals(MappingBehavior.ADDRESS_DEPENDENT,
        classify(List.of(seen(A1, M), seen(A2, M), seen(B1, M2)), PORT_FILTER).mapping());
    assertEquals(MappingBehavior.ADDRESS_AND_PORT_DEPENDENT,
        classify(List.of(seen(A1, M), seen(A2, M3), seen(B1, M2)), PORT_FILTER).mapping());
    assertEquals(MappingBehavior.ADDRESS_AND_PORT_DEPENDENT,
        classify(List.of(seen(A1, M), seen(B1, M2)), PORT_FILTER).mapping(), "unproven: the stricter case");
  }

  @Test
  void tooLittleEvidenceIsUnknownNotAGuess() {
    assertEquals(NatType.UNKNOWN, classify(List.of(), OPEN).type());
    assertEquals(NatType.UNKNOWN, classify(List.of(seen(A1, M)), OPEN).type(), "one observer cannot see the mapping");
    assertEquals(NatType.UNKNOWN, classify(List.of(seen(A1, M), seen(B1, M)), List.of()).type());
    assertEquals(NatType.UNKNOWN,
        classify(List.of(seen(A1, M), seen(B1, M)), List.of(probe(ProbeSource.OTHER_IP, false))).type(),
        "restricted or port-restricted: the same-IP probe is missing");
  }

  @Test
  void portDependenceShowsEvenWithOneObserverIp() {
    assertEquals(NatType.SYMMETRIC, classify(List.of(seen(A1, M), seen(A2, M2)), List.of()).type());
  }

  @Test
  void theVerdictKeepsItsEvidenceAndTheDistinctMappedAddresses() {
    NatClassification c = classify(List.of(seen(A1, M), seen(B1, M), seen(A2, M)), OPEN);
    assertEquals(List.of(M), c.mapped());
    assertEquals(3, c.evidence().mappings().size());
  }

  private static NatClassification classify(List<MappingObservation> mappings, List<FilteringProbe> probes) {
    return NatClassifier.classify(new NatEvidence(List.of(LOCAL), mappings, probes));
  }

  private static MappingObservation seen(InetSocketAddress observer, InetSocketAddress mapped) {
    return new MappingObservation(observer, mapped);
  }

  private static FilteringProbe probe(ProbeSource source, boolean arrived) {
    return new FilteringProbe(source, arrived);
  }

  static InetSocketAddress address(String ip, int port) {
    try {
      return new InetSocketAddress(InetAddress.getByName(ip), port);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
