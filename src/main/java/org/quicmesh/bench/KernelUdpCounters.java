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
    return read("RcvbufErrors");
  }

  /** The current {@code Udp OutDatagrams} (datagrams this host sent), or empty as above. */
  static OptionalLong outDatagrams() {
    return read("OutDatagrams");
  }

  private static OptionalLong read(String column) {
    try {
      return Files.isReadable(SNMP) ? column(Files.readAllLines(SNMP), column) : OptionalLong.empty();
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /** {@code RcvbufErrors} from the text of {@code /proc/net/snmp}. */
  static OptionalLong rcvbufErrors(List<String> snmp) {
    return column(snmp, "RcvbufErrors");
  }

  /** A column of the text of {@code /proc/net/snmp}: a {@code Udp:} header line names the columns of the next one. */
  static OptionalLong column(List<String> snmp, String column) {
    for (int i = 0; i + 1 < snmp.size(); i++) {
      if (!snmp.get(i).startsWith("Udp: ") || !snmp.get(i + 1).startsWith("Udp: ")) {
        continue;
      }
      List<String> names = List.of(snmp.get(i).trim().split("\\s+"));
      String[] values = snmp.get(i + 1).trim().split("\\s+");
      int at = names.indexOf(column);
      if (at > 0 && at < values.length) {
        return OptionalLong.of(Long.parseLong(values[at]));
      }
      return OptionalLong.empty();
    }
    return OptionalLong.empty();
  }
}
