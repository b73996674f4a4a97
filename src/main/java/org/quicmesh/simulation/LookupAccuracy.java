package org.quicmesh.simulation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.Contact;

/**
 * How good a lookup's answer is: the share of the true 20 closest live nodes to the target (the querier excluded, as
 * it never returns itself) that the lookup returned. The same definition as the js-libp2p harness's accuracy.
 */
public final class LookupAccuracy {
  /** How many closest nodes make the truth (Kademlia's k). */
  public static final int TRUTH = 20;

  private LookupAccuracy() {}

  /** 1.0 when every one of the true closest is among {@code returned}; 1.0 too when there is no other live node. */
  public static double of(NodeId target, NodeId querier, Collection<NodeId> live, List<Contact> returned) {
    List<NodeId> ids = new ArrayList<>(live.size());
    for (NodeId id : live) {
      if (!id.equals(querier)) {
        ids.add(id);
      }
    }
    ids.sort(target::compareDistance);
    Set<NodeId> truth = new HashSet<>(ids.subList(0, Math.min(TRUTH, ids.size())));
    long hits = returned.stream().map(Contact::id).filter(truth::contains).count();
    return truth.isEmpty() ? 1.0 : hits / (double) truth.size();
  }
}
