package org.quicmesh.wire;

import java.util.List;

/** The contacts closest to a FindNode target; also the answer to a FindValue whose key the peer does not hold. */
public record Nodes(List<Contact> nodes) implements DhtResponse {
  public Nodes {
    nodes = Checks.contacts(nodes, "nodes");
  }
}
