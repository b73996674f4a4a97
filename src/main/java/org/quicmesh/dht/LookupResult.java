package org.quicmesh.dht;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.Contact;

/**
 * Outcome of one iterative lookup.
 *
 * @param target the id looked up
 * @param closest up to k contacts closest to {@code target} among those known and not failed or silent, closest
 *     first, whether they answered or were only heard of from answers. Heard-of
 *     contacts are named by live peers but unverified: they must never be inserted into a routing table
 * @param answered the contacts that answered this lookup, closest first (at most k): the only ones a caller may report
 *     to its routing table
 * @param found the first valid value of a FindValue lookup, with the contact that returned it
 * @param cacheAt for a FindValue lookup that found a value: the answered contact closest to the target that did not
 *     have it (where Kademlia caches the value); empty otherwise
 * @param stats counters
 * @param values for a FindValue lookup that collects ({@link LookupState#collecting}): every valid value returned,
 *     closest holder first; otherwise the found value alone, if any
 */
public record LookupResult(
    NodeId target,
    List<Contact> closest,
    List<Contact> answered,
    Optional<FoundValue> found,
    Optional<Contact> cacheAt,
    LookupStats stats,
    List<FoundValue> values) {

  /** A result with at most the one found value. */
  public LookupResult(NodeId target, List<Contact> closest, List<Contact> answered, Optional<FoundValue> found,
      Optional<Contact> cacheAt, LookupStats stats) {
    this(target, closest, answered, found, cacheAt, stats, found.map(List::of).orElse(List.of()));
  }

  public LookupResult {
    Objects.requireNonNull(target, "target");
    closest = List.copyOf(closest);
    answered = List.copyOf(answered);
    Objects.requireNonNull(found, "found");
    Objects.requireNonNull(cacheAt, "cacheAt");
    Objects.requireNonNull(stats, "stats");
    values = List.copyOf(values);
  }

  /**
   * Whether the lookup reached the network: a value was found or at least one contact answered. A FindValue lookup
   * that reached live nodes but found no value still succeeded in this sense (the value may simply not exist).
   */
  public boolean succeeded() {
    return found.isPresent() || !answered.isEmpty();
  }

  /** A value returned by a FindValue lookup and the contact that returned it. */
  public record FoundValue(Contact from, byte[] value) {
    public FoundValue {
      Objects.requireNonNull(from, "from");
      value = value.clone();
    }

    @Override
    public byte[] value() {
      return value.clone();
    }
  }
}
