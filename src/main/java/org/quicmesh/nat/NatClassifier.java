package org.quicmesh.nat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.quicmesh.nat.NatEvidence.FilteringProbe;
import org.quicmesh.nat.NatEvidence.MappingObservation;
import org.quicmesh.nat.NatEvidence.ProbeSource;

/**
 * The RFC 5780 §4.3-4.4 reasoning, over whatever evidence was gathered (two-address STUN servers or mesh peers):
 * mapping behaviour from the addresses different destinations saw for the same socket, filtering behaviour from
 * which answers sent from addresses we never contacted arrived. Pure: the detector gathers, this decides.
 */
final class NatClassifier {
  private NatClassifier() {}

  public static NatClassification classify(NatEvidence evidence) {
    MappingBehavior mapping = mapping(evidence);
    FilteringBehavior filtering = filtering(evidence.filtering());
    Set<InetSocketAddress> mapped = new LinkedHashSet<>();
    evidence.mappings().forEach(o -> mapped.add(o.mapped()));
    return new NatClassification(NatType.of(mapping, filtering), mapping, filtering, List.copyOf(mapped), evidence);
  }

  static MappingBehavior mapping(NatEvidence evidence) {
    List<MappingObservation> seen = evidence.mappings();
    if (seen.isEmpty()) {
      return MappingBehavior.UNKNOWN;
    }
    if (seen.stream().allMatch(o -> evidence.local().contains(o.mapped()))) {
      return MappingBehavior.NO_TRANSLATION;
    }
    boolean portDependent = false;
    boolean addressDependentOnly = false;
    boolean sameAcrossIps = true;
    boolean severalIps = false;
    for (MappingObservation a : seen) {
      for (MappingObservation b : seen) {
        InetAddress ipA = a.observer().getAddress();
        boolean sameIp = ipA.equals(b.observer().getAddress());
        boolean sameMapping = a.mapped().equals(b.mapped());
        if (!sameIp) {
          severalIps = true;
          sameAcrossIps &= sameMapping;
        } else if (a.observer().getPort() != b.observer().getPort()) {
          portDependent |= !sameMapping;
          addressDependentOnly |= sameMapping;
        }
      }
    }
    if (portDependent) {
      return MappingBehavior.ADDRESS_AND_PORT_DEPENDENT;
    }
    if (!severalIps) {
      return MappingBehavior.UNKNOWN; // one observer IP cannot tell a cone from an address-dependent mapping
    }
    if (sameAcrossIps) {
      return MappingBehavior.ENDPOINT_INDEPENDENT;
    }
    // It depends on the destination; without proof that ports do not matter, assume they do (the stricter case).
    return addressDependentOnly ? MappingBehavior.ADDRESS_DEPENDENT : MappingBehavior.ADDRESS_AND_PORT_DEPENDENT;
  }

  static FilteringBehavior filtering(List<FilteringProbe> probes) {
    if (any(probes, ProbeSource.OTHER_IP, true)) {
      return FilteringBehavior.ENDPOINT_INDEPENDENT;
    }
    if (any(probes, ProbeSource.SAME_IP_OTHER_PORT, true)) {
      return FilteringBehavior.ADDRESS_DEPENDENT;
    }
    boolean bothTried = any(probes, ProbeSource.OTHER_IP, false) && any(probes, ProbeSource.SAME_IP_OTHER_PORT, false);
    return bothTried ? FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT : FilteringBehavior.UNKNOWN;
  }

  /** Whether a probe from {@code source} was tried ({@code arrivedOnly} false) or arrived (true). */
  private static boolean any(List<FilteringProbe> probes, ProbeSource source, boolean arrivedOnly) {
    return probes.stream().anyMatch(p -> p.source() == source && (p.arrived() || !arrivedOnly));
  }
}
