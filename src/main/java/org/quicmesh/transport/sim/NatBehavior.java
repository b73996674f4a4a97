package org.quicmesh.transport.sim;

import java.time.Duration;
import java.util.Objects;

/**
 * How a simulated {@link NatBox} behaves, in RFC 4787 terms: which outbound packets share a mapping, which inbound
 * packets a mapping admits, how public ports are chosen, how long an idle mapping lives, and whether hosts behind the
 * box reach each other through its public address (hairpinning).
 *
 * <p>The five classic classes are presets: {@link #NONE} (no translation: hosts behind it are public),
 * {@link #FULL_CONE}, {@link #RESTRICTED_CONE}, {@link #PORT_RESTRICTED_CONE} and {@link #SYMMETRIC}; the {@code with}
 * methods vary one setting.
 *
 * @param translating false only for {@link #NONE}: the box translates and filters nothing
 * @param mapping which destinations share one public endpoint (RFC 4787 §4.1)
 * @param filtering which remotes a mapping lets in (RFC 4787 §5)
 * @param ports how the public port of a new mapping is chosen (RFC 4787 §4.2.1)
 * @param timeout how long a mapping, and each destination's permission on it, outlives the last outbound packet
 *     (RFC 4787 §4.3: only outbound traffic refreshes it)
 * @param hairpinning whether a packet from behind the box to the box's own public address loops back in (RFC 4787
 *     §6), arriving from the sender's public mapped address
 */
public record NatBehavior(
    boolean translating,
    Dependence mapping,
    Dependence filtering,
    PortAllocation ports,
    Duration timeout,
    boolean hairpinning) {

  /** On what a mapping or a filter depends besides the private endpoint (RFC 4787 vocabulary). */
  public enum Dependence {
    /** The same for every remote. */
    ENDPOINT_INDEPENDENT,
    /** Per remote IP address. */
    ADDRESS_DEPENDENT,
    /** Per remote IP address and port. */
    ADDRESS_AND_PORT_DEPENDENT
  }

  /** How a new mapping's public port is chosen. */
  public enum PortAllocation {
    /** The private port when no live mapping holds it, else the next free port above it. */
    PRESERVING,
    /** A port drawn from the network's seeded random, in [1024, 65535]. */
    RANDOM
  }

  /** A common UDP mapping timeout of home routers (RFC 4787 REQ-5 asks for at least 2 minutes). */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

  /** No NAT: hosts "behind" it get public addresses, nothing is translated or filtered. */
  public static final NatBehavior NONE = new NatBehavior(false, Dependence.ENDPOINT_INDEPENDENT,
      Dependence.ENDPOINT_INDEPENDENT, PortAllocation.PRESERVING, DEFAULT_TIMEOUT, false);

  /** Endpoint-independent mapping and filtering: once mapped, anyone may send in. */
  public static final NatBehavior FULL_CONE = new NatBehavior(true, Dependence.ENDPOINT_INDEPENDENT,
      Dependence.ENDPOINT_INDEPENDENT, PortAllocation.PRESERVING, DEFAULT_TIMEOUT, false);

  /** Endpoint-independent mapping, address-dependent filtering: any port of an IP the host has sent to. */
  public static final NatBehavior RESTRICTED_CONE = FULL_CONE.withFiltering(Dependence.ADDRESS_DEPENDENT);

  /** Endpoint-independent mapping, address-and-port-dependent filtering: only the exact endpoints sent to. */
  public static final NatBehavior PORT_RESTRICTED_CONE =
      FULL_CONE.withFiltering(Dependence.ADDRESS_AND_PORT_DEPENDENT);

  /** A new random public port per destination endpoint, which alone may answer. */
  public static final NatBehavior SYMMETRIC = new NatBehavior(true, Dependence.ADDRESS_AND_PORT_DEPENDENT,
      Dependence.ADDRESS_AND_PORT_DEPENDENT, PortAllocation.RANDOM, DEFAULT_TIMEOUT, false);

  public NatBehavior {
    Objects.requireNonNull(mapping, "mapping");
    Objects.requireNonNull(filtering, "filtering");
    Objects.requireNonNull(ports, "ports");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("mapping timeout must be positive, got " + timeout);
    }
  }

  public NatBehavior withMapping(Dependence mapping) {
    return new NatBehavior(translating, mapping, filtering, ports, timeout, hairpinning);
  }

  public NatBehavior withFiltering(Dependence filtering) {
    return new NatBehavior(translating, mapping, filtering, ports, timeout, hairpinning);
  }

  public NatBehavior withPorts(PortAllocation ports) {
    return new NatBehavior(translating, mapping, filtering, ports, timeout, hairpinning);
  }

  public NatBehavior withTimeout(Duration timeout) {
    return new NatBehavior(translating, mapping, filtering, ports, timeout, hairpinning);
  }

  public NatBehavior withHairpinning(boolean hairpinning) {
    return new NatBehavior(translating, mapping, filtering, ports, timeout, hairpinning);
  }
}
