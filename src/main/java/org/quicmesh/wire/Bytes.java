package org.quicmesh.wire;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/** Content equality, hashing and short printing of byte arrays in records (records compare arrays by identity). */
final class Bytes {
  private static final HexFormat HEX = HexFormat.of();
  private static final int PRINTED_BYTES = 8;

  private Bytes() {}

  static boolean equal(List<byte[]> a, List<byte[]> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!Arrays.equals(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  static int hash(List<byte[]> list) {
    int h = 1;
    for (byte[] bytes : list) {
      h = 31 * h + Arrays.hashCode(bytes);
    }
    return h;
  }

  /** Length plus the first bytes in hex: enough to tell values apart in logs without dumping 64 KiB. */
  static String show(byte[] bytes) {
    String head = HEX.formatHex(bytes, 0, Math.min(bytes.length, PRINTED_BYTES));
    return bytes.length + "B:" + head + (bytes.length > PRINTED_BYTES ? "…" : "");
  }

  static String show(List<byte[]> list) {
    return list.size() + " ids" + (list.isEmpty() ? "" : " [" + show(list.get(0)) + (list.size() > 1 ? ", …]" : "]"));
  }
}
