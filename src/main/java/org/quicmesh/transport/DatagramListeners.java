package org.quicmesh.transport;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.quicmesh.transport.DatagramPlane.DatagramListener;
import org.quicmesh.transport.DatagramPlane.Registration;

/** The listeners of a {@link DatagramPlane} by kind, and their dispatch; shared by the QUIC and simulated planes. */
public final class DatagramListeners {
  private final Map<DatagramKind, List<DatagramListener>> listeners = new EnumMap<>(DatagramKind.class);
  private final Consumer<String> reject;

  /** @param reject counts a dropped datagram or a failed listener under a reason */
  public DatagramListeners(Consumer<String> reject) {
    this.reject = Objects.requireNonNull(reject, "reject");
    for (DatagramKind kind : DatagramKind.values()) {
      listeners.put(kind, new CopyOnWriteArrayList<>());
    }
  }

  public Registration add(DatagramKind kind, DatagramListener listener) {
    Objects.requireNonNull(listener, "listener");
    List<DatagramListener> list = listeners.get(Objects.requireNonNull(kind, "kind"));
    list.add(listener);
    return () -> list.remove(listener);
  }

  /** Hands {@code datagram} to every listener of its kind; counts it as unclaimed when there is none. */
  public void dispatch(Datagram datagram) {
    List<DatagramListener> targets = listeners.get(datagram.kind());
    if (targets.isEmpty()) {
      reject.accept(unclaimed(datagram.kind().name()));
      return;
    }
    for (DatagramListener listener : targets) {
      try {
        listener.onDatagram(datagram);
      } catch (RuntimeException e) {
        // A faulty layer must not take the socket, or the other listeners, down.
        reject.accept("datagram-listener-error");
      }
    }
  }

  /** The counter reason of a datagram of that class that nobody claimed: {@code unclaimed-stun}, ... */
  public static String unclaimed(String kindName) {
    return "unclaimed-" + kindName.toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
