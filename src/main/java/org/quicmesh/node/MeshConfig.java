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

  /** Defaults plus the profile named by {@code quicmesh.profile} plus {@code application.conf} plus system properties. */
  public static MeshConfig load() {
    return fromConfig(Profiles.load(null));
  }

  /** Like {@link #load()} with the given profile ({@link Profiles#NAMES}) instead of {@code quicmesh.profile}. */
  public static MeshConfig load(String profile) {
    return fromConfig(Profiles.load(profile));
  }

  public static MeshConfig fromConfig(Config root) {
    Config c = root.getConfig("quicmesh");
    String identity = c.getString("identity-file");
    String stateDir = c.getString("state-dir");
    return new MeshConfig(
        Addresses.parse(c.getString("listen")),
        c.getStringList("bootstrap").stream().map(Addresses::parse).toList(),
        !identity.isBlank() ? Optional.of(Path.of(identity))
            : stateDir.isBlank() ? Optional.empty() : Optional.of(identityIn(Path.of(stateDir))),
        c.getDuration("transport.request-timeout"),
        c);
  }

  // The with... copies also set the value in raw (origin OVERRIDE), so the effective configuration printed with its
  // origins (quicmesh node --print-config) shows what a flag or the code changed.

  public MeshConfig withListen(InetSocketAddress address) {
    return new MeshConfig(address, bootstrap, identityFile, requestTimeout,
        raw.withValue("listen", value(Addresses.format(address))));
  }

  public MeshConfig withBootstrap(List<InetSocketAddress> seeds) {
    return new MeshConfig(listen, seeds, identityFile, requestTimeout,
        raw.withValue("bootstrap", value(seeds.stream().map(Addresses::format).toList())));
  }

  public MeshConfig withIdentityFile(Path file) {
    return new MeshConfig(listen, bootstrap, Optional.ofNullable(file), requestTimeout,
        raw.withValue("identity-file", value(file == null ? "" : file.toString())));
  }

  public MeshConfig withRequestTimeout(Duration timeout) {
    return new MeshConfig(listen, bootstrap, identityFile, timeout,
        raw.withValue("transport.request-timeout", value(timeout.toMillis() + "ms")));
  }

  /** Where values set through the with... copies come from, as {@code --print-config} shows it. */
  static final String OVERRIDE = "set by a command-line flag or MeshConfig.with...";

  private static com.typesafe.config.ConfigValue value(Object value) {
    return ConfigValueFactory.fromAnyRef(value, OVERRIDE);
  }

  /** The effective {@code quicmesh} configuration as HOCON, each value with a comment naming where it came from. */
  public String render() {
    return raw.root().render(com.typesafe.config.ConfigRenderOptions.defaults()
        .setComments(false).setOriginComments(true).setJson(false).setFormatted(true));
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
        raw.withValue("nat.stun.alternate-ip", value(ip.getHostAddress())));
  }

  /** A copy that classifies its NAT against these STUN servers ({@code quicmesh.nat.stun-servers}). */
  public MeshConfig withStunServers(List<InetSocketAddress> servers) {
    return new MeshConfig(listen, bootstrap, identityFile, requestTimeout, raw.withValue("nat.stun-servers",
        value(servers.stream().map(Addresses::format).toList())));
  }

  /** Where the node keeps what survives a restart ({@code quicmesh.state-dir}), if anywhere. */
  public Optional<Path> stateDir() {
    String dir = raw.getString("state-dir");
    return dir.isBlank() ? Optional.empty() : Optional.of(Path.of(dir));
  }

  /**
   * A copy that keeps its state in {@code dir}: the contact cache, and the identity ({@code dir/identity}) unless an
   * identity file is set.
   */
  public MeshConfig withStateDir(Path dir) {
    return new MeshConfig(listen, bootstrap, identityFile.or(() -> Optional.of(identityIn(dir))), requestTimeout,
        raw.withValue("state-dir", value(dir.toString())));
  }

  /** How often the contact cache is rewritten ({@code quicmesh.state.save-interval}); also at shutdown. */
  public Duration stateSaveInterval() {
    return raw.getDuration("state.save-interval");
  }

  /** How many cached contacts a restarted node pings to rejoin ({@code quicmesh.state.max-seeds}). */
  public int stateMaxSeeds() {
    return raw.getInt("state.max-seeds");
  }

  /** Whether the state dir keeps the value store too ({@code quicmesh.state.values}). */
  public boolean stateValues() {
    return raw.getBoolean("state.values");
  }

  private static Path identityIn(Path stateDir) {
    return stateDir.resolve("identity");
  }

  /** How often a node with meters takes the telemetry snapshot they read ({@code quicmesh.metrics.refresh-interval}). */
  public Duration metricsRefreshInterval() {
    return raw.getDuration("metrics.refresh-interval");
  }

  /** A copy that serves relay sessions ({@code quicmesh.nat.relay.enabled}). */
  public MeshConfig withRelay(boolean enabled) {
    return new MeshConfig(listen, bootstrap, identityFile, requestTimeout,
        raw.withValue("nat.relay.enabled", ConfigValueFactory.fromAnyRef(enabled)));
  }

  /** A copy that holds reservations with these relays ({@code quicmesh.nat.relay.servers}). */
  public MeshConfig withRelayServers(List<InetSocketAddress> relays) {
    return new MeshConfig(listen, bootstrap, identityFile, requestTimeout, raw.withValue("nat.relay.servers",
        ConfigValueFactory.fromIterable(relays.stream().map(Addresses::format).toList())));
  }

  /** The relays to hold reservations with ({@code quicmesh.nat.relay.servers}). */
  public List<InetSocketAddress> relayServers() {
    return raw.getStringList("nat.relay.servers").stream().map(Addresses::parse).toList();
  }

  /** The transport subsection, for transport factories. */
  public Config transport() {
    return raw.getConfig("transport");
  }
}
