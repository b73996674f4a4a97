package org.quicmesh.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * Linux's system-wide UDP counters: {@code RcvbufErrors} counts datagrams the kernel dropped because a socket's receive
 * buffer was full, the first suspect when a UDP transport loses packets on loopback. Other systems: empty.
 */
final class KernelUdpCounters {
  private static final Path SNMP = Path.of("/proc/net/snmp");

  private KernelUdpCounters() {}

  /** The current {@code Udp RcvbufErrors}, or empty where {@code /proc/net/snmp} is missing or unreadable. */
  static OptionalLong rcvbufErrors() {
    try {
      return Files.isReadable(SNMP) ? rcvbufErrors(Files.readAllLines(SNMP)) : OptionalLong.empty();
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /** From the text of {@code /proc/net/snmp}: a {@code Udp:} header line names the columns of the next one. */
  static OptionalLong rcvbufErrors(List<String> snmp) {
    for (int i = 0; i + 1 < snmp.size(); i++) {
      if (!snmp.get(i).startsWith("Udp: ") || !snmp.get(i + 1).startsWith("Udp: ")) {
        continue;
      }
      List<String> names = List.of(snmp.get(i).trim().split("\\s+"));
      String[] values = snmp.get(i + 1).trim().split("\\s+");
      int column = names.indexOf("RcvbufErrors");
      if (column > 0 && column < values.length) {
        return OptionalLong.of(Long.parseLong(values[column]));
      }
      return OptionalLong.empty();
    }
    return OptionalLong.empty();
  }
}
