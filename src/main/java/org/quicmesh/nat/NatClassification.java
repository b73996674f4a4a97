package org.quicmesh.nat;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * A verdict of NAT detection with the evidence behind it.
 *
 * @param mapped the distinct addresses observers saw this node at (server-reflexive candidates)
 */
public record NatClassification(NatType type, MappingBehavior mapping, FilteringBehavior filtering,
    List<InetSocketAddress> mapped, NatEvidence evidence) {
  public NatClassification {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(mapping, "mapping");
    Objects.requireNonNull(filtering, "filtering");
    mapped = List.copyOf(mapped);
    Objects.requireNonNull(evidence, "evidence");
  }
}
