package org.quicmesh.connect;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.quicmesh.identity.NodeId;
import org.quicmesh.transport.DatagramPlane;

/**
 * One ICE attempt towards a peer we already reach (through a relay): runs the {@link Checklist} from our one socket,
 * paced, against the peer's candidates while the peer does the same towards ours (both started by the same
 * HolePunchStart, so both NATs open their bindings at about the same moment). The first answered check nominates a
 * direct path; the attempt reports it, or that none answered within {@code punchTimeout}, and stops.
 */
final class IceAgent {
  sealed interface Command {}

  /** A check from the peer arrived from {@code from} (the manager answered it): a triggered check follows. */
  record CheckedFrom(InetSocketAddress from) implements Command {}

  /** An answer carrying this attempt's token. */
  record Answer(PathCheck answer) implements Command {}

  private enum Tick implements Command { INSTANCE }

  private enum GiveUp implements Command { INSTANCE }

  /** What the attempt found. */
  sealed interface Result {}

  record Nominated(NodeId peer, InetSocketAddress address, long rttMillis, boolean peerReflexive) implements Result {}

  record NoPath(NodeId peer, int candidates) implements Result {}

  private IceAgent() {}

  static Behavior<Command> create(NodeId peer, List<InetSocketAddress> remote, byte[] token, DatagramPlane plane,
      Clock clock, Random random, ConnectSettings settings, ActorRef<Result> report) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      Checklist checklist = new Checklist(remote, token, random, settings.checkRetry().toMillis(),
          settings.maxChecksPerCandidate());
      timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.checkPace());
      timers.startSingleTimer(GiveUp.INSTANCE, settings.punchTimeout());
      return Behaviors.receive(Command.class)
          .onMessageEquals(Tick.INSTANCE, () -> {
            checklist.next(clock.millis()).ifPresent(out -> plane.send(out.to(), out.check().toBytes()));
            return Behaviors.same();
          })
          .onMessage(CheckedFrom.class, checked -> {
            checklist.checkedFrom(checked.from());
            return Behaviors.same();
          })
          .onMessage(Answer.class, answer -> checklist.answered(answer.answer(), clock.millis())
              .<Behavior<Command>>map(success -> {
                report.tell(new Nominated(peer, success.address(), success.rttMillis(), success.peerReflexive()));
                return Behaviors.stopped();
              })
              .orElse(Behaviors.same()))
          .onMessageEquals(GiveUp.INSTANCE, () -> {
            report.tell(new NoPath(peer, checklist.candidateCount()));
            return Behaviors.stopped();
          })
          .build();
    }));
  }
}
