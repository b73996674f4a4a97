package org.quicmesh.wire;

import java.util.List;
import java.util.Objects;

/**
 * Field validation shared by the message records' compact constructors. Failures are NullPointerException or
 * IllegalArgumentException naming the field; {@link WireCodec#decode} turns them into {@link WireFormatException}.
 */
final class Checks {
  private Checks() {}

  static <T> T nonNull(T value, String field) {
    return Objects.requireNonNull(value, field);
  }

  static byte[] exactBytes(byte[] value, int length, String field) {
    nonNull(value, field);
    if (value.length != length) {
      throw new IllegalArgumentException(field + " must have " + length + " bytes, got " + value.length);
    }
    return value;
  }

  static byte[] maxBytes(byte[] value, int max, String field) {
    nonNull(value, field);
    if (value.length > max) {
      throw new IllegalArgumentException(field + " has " + value.length + " bytes, limit " + max);
    }
    return value;
  }

  /** Bounded list without null elements, returned as an immutable copy (Jackson hands us a mutable ArrayList). */
  static <T> List<T> list(List<T> value, int max, String field) {
    nonNull(value, field);
    if (value.size() > max) {
      throw new IllegalArgumentException(field + " has " + value.size() + " entries, limit " + max);
    }
    for (T element : value) {
      if (element == null) {
        throw new NullPointerException(field + " contains null");
      }
    }
    return List.copyOf(value);
  }

  /**
   * Bounded, well-formed Unicode text. The CBOR parser turns invalid UTF-8 into unpaired surrogates rather than
   * failing; such a string could be decoded but never re-encoded (forwarding it would fail), so it is refused here.
   */
  static String text(String value, int maxChars, String field) {
    nonNull(value, field);
    if (value.length() > maxChars) {
      throw new IllegalArgumentException(field + " has " + value.length() + " characters, limit " + maxChars);
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(field + " is not valid Unicode (unpaired surrogate at " + i + ")");
      }
    }
    return value;
  }

  static String topic(String value) {
    text(value, Limits.MAX_TOPIC_CHARS, "topic");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("topic is empty");
    }
    return value;
  }

  /** A literal-IP {@code host:port}: parsing it never touches DNS. */
  static String address(String value, String field) {
    text(value, Limits.MAX_ADDRESS_CHARS, field);
    try {
      Contact.Addresses.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
    }
    return value;
  }

  /** A literal IP without port (IPv6 unbracketed): parsing it never touches DNS. */
  static String ip(String value, String field) {
    text(value, Limits.MAX_ADDRESS_CHARS, field);
    try {
      Contact.Addresses.parseIp(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
    }
    return value;
  }

  static List<String> candidates(List<String> value) {
    List<String> copy = list(value, Limits.MAX_CANDIDATES, "candidates");
    for (String candidate : copy) {
      address(candidate, "candidate");
    }
    return copy;
  }

  static List<Contact> contacts(List<Contact> value, String field) {
    return list(value, Limits.MAX_CONTACTS, field);
  }

  static List<byte[]> messageIds(List<byte[]> value) {
    List<byte[]> copy = list(value, Limits.MAX_MESSAGE_IDS, "messageIds");
    for (byte[] id : copy) {
      if (id.length == 0 || id.length > Limits.MAX_MESSAGE_ID_BYTES) {
        throw new IllegalArgumentException("message id of " + id.length + " bytes, allowed 1.."
            + Limits.MAX_MESSAGE_ID_BYTES);
      }
    }
    return copy;
  }

  static long range(long value, long min, long max, String field) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(field + " = " + value + " outside " + min + ".." + max);
    }
    return value;
  }
}
