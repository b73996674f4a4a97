package org.quicmesh.nat;

import com.typesafe.config.Config;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.quicmesh.nat.stun.Retransmission;
import org.quicmesh.wire.Contact.Addresses;

/**
 * NAT detection settings ({@code quicmesh.nat} in conf/reference.conf).
 *
 * @param stunServers STUN servers to classify against, two-address (RFC 5780) ones first where known
 * @param firstRunAfter the first run waits this long after start (the socket and routes settle)
 * @param interval later runs; at least a NAT mapping lifetime apart, see {@link NatDetection}
 * @param mappingSchedule retransmissions of requests that should be answered
 * @param filteringSchedule retransmissions of requests whose answer a NAT may filter: a missing answer is the
 *     evidence, so this one gives up sooner
 * @param meshObservers routing-table peers asked besides the configured servers
 * @param retryWithoutObservers a run that met fewer than two observer IPs (not joined yet) is tried again after this,
 *     backing off to {@code interval}
 * @param minSpacing a run triggered by a changed observed address waits until this long after the last one ended
 * @param keepaliveInterval behind a NAT, a keepalive to each of {@code keepalivePeers} nearest peers this often (zero:
 *     none)
 */
public record NatSettings(List<InetSocketAddress> stunServers, Duration firstRunAfter, Duration interval,
    Retransmission mappingSchedule, Retransmission filteringSchedule, int meshObservers,
    Duration retryWithoutObservers, Duration minSpacing, Duration keepaliveInterval, int keepalivePeers) {

  public NatSettings {
    stunServers = List.copyOf(stunServers);
  }

  public static NatSettings fromConfig(Config nat) {
    return new NatSettings(
        nat.getStringList("stun-servers").stream().map(Addresses::parse).toList(),
        nat.getDuration("detection.first-run-after"),
        nat.getDuration("detection.interval"),
        new Retransmission(nat.getDuration("detection.rto"), nat.getInt("detection.sends"), 16),
        new Retransmission(nat.getDuration("detection.filtering-rto"), nat.getInt("detection.filtering-sends"), 4),
        nat.getInt("detection.mesh-observers"),
        nat.getDuration("detection.retry-without-observers"),
        nat.getDuration("detection.min-spacing"),
        nat.getDuration("keepalive.interval"),
        nat.getInt("keepalive.peers"));
  }

  public NatSettings withStunServers(List<InetSocketAddress> servers) {
    return new NatSettings(servers, firstRunAfter, interval, mappingSchedule, filteringSchedule, meshObservers,
        retryWithoutObservers, minSpacing, keepaliveInterval, keepalivePeers);
  }
}
