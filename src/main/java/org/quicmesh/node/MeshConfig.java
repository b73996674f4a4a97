package org.quicmesh.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.quicmesh.wire.Contact.Addresses;

/**
 * A node's settings, read from the {@code quicmesh} section of HOCON config ({@code conf/reference.conf} documents
 * every key). Immutable; change a copy with the {@code with...} methods.
 */
public record MeshConfig(
    InetSocketAddress listen,
    List<InetSocketAddress> bootstrap,
    Optional<Path> identityFile,
    Duration requestTimeout,
    Config raw) {

  public MeshConfig {
    bootstrap = List.copyOf(bootstrap);
  }

  /** Defaults plus {@code application.conf} plus system properties. */
  public static MeshConfig load() {
    return fromConfig(ConfigFactory.load());
  }

  public static MeshConfig fromConfig(Config root) {
    Config c = root.getConfig("quicmesh");
    String identity = c.getString("identity-file");
    return new MeshConfig(
        Addresses.parse(c.getString("listen")),
        c.getStringList("bootstrap").stream().map(Addresses::parse).toList(),
        identity.isBlank() ? Optional.empty() : Optional.of(Path.of(identity)),
        c.getDuration("transport.request-timeout"),
        c);
  }

  public MeshConfig withListen(InetSocketAddress address) {
    return new MeshConfig(address, bootstrap, identityFile, requestTimeout, raw);
  }

  public MeshConfig withBootstrap(List<InetSocketAddress> seeds) {
    return new MeshConfig(listen, seeds, identityFile, requestTimeout, raw);
  }

  public MeshConfig withIdentityFile(Path file) {
    return new MeshConfig(listen, bootstrap, Optional.ofNullable(file), requestTimeout, raw);
  }

  public MeshConfig withRequestTimeout(Duration timeout) {
    return new MeshConfig(listen, bootstrap, identityFile, timeout, raw);
  }

  /** The second IP that makes this node an RFC 5780 STUN server ({@code quicmesh.nat.stun.alternate-ip}), if any. */
  public Optional<InetAddress> stunAlternateIp() {
    String ip = raw.getString("nat.stun.alternate-ip");
    if (ip.isBlank()) {
      return Optional.empty();
    }
    InetSocketAddress parsed = Addresses.parse(ip + ":0");
    if (parsed.isUnresolved() || parsed.getAddress().isAnyLocalAddress()) {
      throw new IllegalArgumentException("quicmesh.nat.stun.alternate-ip must be a concrete IP address: " + ip);
    }
    return Optional.of(parsed.getAddress());
  }

  /** Offset of the alternate STUN port from the listen port ({@code quicmesh.nat.stun.alternate-port-offset}). */
  public int stunAlternatePortOffset() {
    return raw.getInt("nat.stun.alternate-port-offset");
  }

  /** A copy whose node is an RFC 5780 STUN server with {@code ip} as its second address. */
  public MeshConfig withStunAlternateIp(InetAddress ip) {
    return new MeshConfig(listen, bootstrap, identityFile, requestTimeout,
        raw.withValue("nat.stun.alternate-ip", ConfigValueFactory.fromAnyRef(ip.getHostAddress())));
  }

  /** A copy that classifies its NAT against these STUN servers ({@code quicmesh.nat.stun-servers}). */
  public MeshConfig withStunServers(List<InetSocketAddress> servers) {
    return new MeshConfig(listen, bootstrap, identityFile, requestTimeout, raw.withValue("nat.stun-servers",
        ConfigValueFactory.fromIterable(servers.stream().map(Addresses::format).toList())));
  }

  /** How often a node with meters takes the telemetry snapshot they read ({@code quicmesh.metrics.refresh-interval}). */
  public Duration metricsRefreshInterval() {
    return raw.getDuration("metrics.refresh-interval");
  }

  /** The transport subsection, for transport factories. */
  public Config transport() {
    return raw.getConfig("transport");
  }
}
