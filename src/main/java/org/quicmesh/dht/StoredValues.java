package org.quicmesh.dht;

import java.util.List;
import java.util.Objects;
import org.quicmesh.identity.Key;
import org.quicmesh.identity.NodeId;

/**
 * What a node's value store holds, as the state dir keeps it across a restart: the values this node published and the
 * copies it holds for peers. Endpoint records are held copies like any other; their signature is in their bytes.
 */
public record StoredValues(List<Own> own, List<Held> held) {
  public StoredValues {
    own = List.copyOf(own);
    held = List.copyOf(held);
  }

  /** One of our values: republished with this TTL until the application removes it. */
  public record Own(Key key, byte[] value, long ttlMillis) {
    public Own {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }
  }

  /** A peer's value held here: who stored it and when the copy expires. */
  public record Held(Key key, byte[] value, NodeId storer, long expiresAtMillis) {
    public Held {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(storer, "storer");
    }
  }
}
