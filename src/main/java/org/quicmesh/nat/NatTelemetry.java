package org.quicmesh.nat;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.quicmesh.wire.Contact.Addresses;

/**
 * The NAT part of a node's telemetry, as plain JSON-friendly values.
 *
 * @param type the last verdict ({@code none}, {@code full_cone}, ..., {@code unknown} before the first)
 * @param mapped the addresses observers saw us at in the last run
 * @param detecting whether a run is in progress
 * @param detector counters of detection runs and STUN transactions ({@code detections}, {@code verdicts.*},
 *     {@code stun.transactions}, {@code stun.retransmits}, {@code stun.timeouts}, ...)
 * @param stunServer what this node's STUN server answered and refused
 */
public record NatTelemetry(String type, String mapping, String filtering, List<String> mapped, boolean detecting,
    Map<String, Long> detector, StunServerStats stunServer) {

  public NatTelemetry {
    mapped = List.copyOf(mapped);
    detector = Map.copyOf(detector);
  }

  public static NatTelemetry of(NatDetector.NatStatus status, StunServerStats stunServer) {
    String type = status.last().map(c -> lower(c.type())).orElse("unknown");
    String mapping = status.last().map(c -> lower(c.mapping())).orElse("unknown");
    String filtering = status.last().map(c -> lower(c.filtering())).orElse("unknown");
    List<String> mapped = status.last().map(c -> c.mapped().stream().map(Addresses::format).toList())
        .orElse(List.of());
    return new NatTelemetry(type, mapping, filtering, mapped, status.running(), status.counters(), stunServer);
  }

  private static String lower(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }
}
