package org.quicmesh.dht;

import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.quicmesh.identity.NodeId;
import org.quicmesh.transport.Transport;
import org.quicmesh.wire.Ack;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Ping;

/**
 * The actor of one non-empty k-bucket, spawned when the bucket first fills: it runs ping-before-evict, pinging the
 * least-recently-seen contact once and reporting whether it answered. The {@link KBucket} guarantees one probe at a
 * time per bucket; this actor only carries it out.
 */
final class Bucket {
  private Bucket() {}

  sealed interface Command {}

  /** Ping {@code contact}; the bucket is full and a newcomer waits in the replacement cache. */
  record Probe(Contact contact) implements Command {}

  private record Probed(Contact contact, boolean alive) implements Command {}

  /** The outcome reported to the Dht. */
  record ProbeResult(int bucket, NodeId contact, boolean alive) {}

  static Behavior<Command> create(int index, Transport transport, Contact self, Duration timeout,
      ActorRef<ProbeResult> report) {
    return Behaviors.setup(ctx -> Behaviors.receive(Command.class)
        .onMessage(Probe.class, probe -> {
          ctx.pipeToSelf(transport.request(probe.contact(), new Ping(self), timeout),
              (reply, failure) -> new Probed(probe.contact(), failure == null && reply.response() instanceof Ack));
          return Behaviors.same();
        })
        .onMessage(Probed.class, probed -> {
          report.tell(new ProbeResult(index, probed.contact().id(), probed.alive()));
          return Behaviors.same();
        })
        .build());
  }
}
