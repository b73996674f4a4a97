package org.quicmesh.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the whole process costs, as the js-libp2p harness measures it: resident set size, CPU time of all threads, and
 * the live thread count. Measurements only; no protocol code reads them.
 */
final class ProcessMeter {
  private static final Path STATUS = Path.of("/proc/self/status");

  private ProcessMeter() {}

  /** Resident set size in bytes (Linux {@code VmRSS}), or -1 where /proc is not there. */
  static long rssBytes() {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /** CPU time of the process (all threads, user + system) in nanoseconds. */
  static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * CPU time (nanoseconds) of the live Java threads: event loops, dispatchers, the bench's own. The JIT compiler
   * threads and the GC threads are hidden from {@code ThreadMXBean}, so this is the process CPU without them; threads
   * that ended are not counted (the bench's threads live for the whole run).
   */
  static long javaThreadsCpuNanos() {
    var threads = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (long id : threads.getAllThreadIds()) {
      long cpu = threads.getThreadCpuTime(id);
      sum += Math.max(0, cpu);
    }
    return sum;
  }

  /**
   * Time the JIT compiler spent compiling (nanoseconds; the JVM's approximation, elapsed time of its compiler threads),
   * or 0 where the JVM does not report it.
   */
  static long jitNanos() {
    var compiler = ManagementFactory.getCompilationMXBean();
    return compiler != null && compiler.isCompilationTimeMonitoringSupported()
        ? compiler.getTotalCompilationTime() * 1_000_000L : 0;
  }

  /** Live threads of the JVM. */
  static int threads() {
    return ManagementFactory.getThreadMXBean().getThreadCount();
  }

  /** The most threads alive at once since the JVM started. */
  static int peakThreads() {
    return ManagementFactory.getThreadMXBean().getPeakThreadCount();
  }
}
