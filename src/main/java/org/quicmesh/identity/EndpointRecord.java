package org.quicmesh.identity;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.quicmesh.identity.RecordRejectedException.Reason;

/**
 * A node's signed statement of where it can be reached, stored in the DHT at {@link Key#forEndpointRecord(NodeId)}.
 *
 * <p>Fields: the node's raw Ed25519 public key (whose BLAKE3 is its NodeId), direct addresses ({@code "ip:port"},
 * IPv6 as {@code "[ip]:port"}, literal IPs only), relays (either {@code "ip:port"} or
 * {@code "<64-hex relay node id>@ip:port"}), a sequence number (a newer record has a higher one), an expiry in epoch
 * milliseconds, and a 64-byte Ed25519 signature over {@link #signedBytes()}.
 *
 * <p>Construction checks the structure (so a record decoded by Jackson is always well formed; a bad one fails with
 * {@link IllegalArgumentException}) but not the signature: call {@link #verify} before trusting it.
 *
 * <p>Canonical encoding ({@link #toBytes()}), all integers big-endian:
 *
 * <pre>
 * u8 format = 1
 * publicKey[32]
 * u8 addressCount, then per address: u8 length, ASCII bytes
 * u8 relayCount, then per relay: u8 length, ASCII bytes
 * i64 sequence
 * i64 expiresAtMillis
 * signature[64]
 * </pre>
 *
 * The signed bytes are the ASCII domain prefix {@value #SIGNATURE_DOMAIN}, a zero byte, then the same fields from
 * {@code publicKey} to {@code expiresAtMillis}. The encoding is injective and the decoder strict, so
 * {@code toBytes(fromBytes(b))} equals {@code b} for every accepted {@code b}.
 */
public record EndpointRecord(
    byte[] publicKey, List<String> addresses, List<String> relays, long sequence, long expiresAt, byte[] signature) {

  public static final int MAX_ADDRESSES = 16;
  public static final int MAX_RELAYS = 16;
  public static final int MAX_ADDRESS_LENGTH = 64;
  /** A relay may carry its node id: 64 hex + '@' + the longest address. */
  public static final int MAX_RELAY_LENGTH = 64 + 1 + MAX_ADDRESS_LENGTH;
  public static final String SIGNATURE_DOMAIN = "quicmesh/endpoint-record/v1";
  public static final int FORMAT = 1;
  /** Upper bound of {@link #toBytes()}; the decoder refuses longer input before parsing. */
  public static final int MAX_ENCODED_SIZE =
      1 + 32 + 1 + MAX_ADDRESSES * (1 + MAX_ADDRESS_LENGTH) + 1 + MAX_RELAYS * (1 + MAX_RELAY_LENGTH) + 8 + 8 + 64;

  private static final byte[] DOMAIN_BYTES = (SIGNATURE_DOMAIN + "\0").getBytes(StandardCharsets.US_ASCII);

  /** Checks the structure and takes defensive copies. */
  public EndpointRecord {
    String problem = structureProblem(publicKey, addresses, relays, sequence, expiresAt, signature);
    if (problem != null) {
      throw new IllegalArgumentException("malformed endpoint record: " + problem);
    }
    publicKey = publicKey.clone();
    addresses = List.copyOf(addresses);
    relays = List.copyOf(relays);
    signature = signature.clone();
  }

  /**
   * Builds and signs a record for {@code keypair}'s node.
   *
   * @throws IllegalArgumentException if the fields break the limits (see {@link #MAX_ADDRESSES} etc.)
   */
  public static EndpointRecord sign(
      Keypair keypair, List<String> addresses, List<String> relays, long sequence, long expiresAt) {
    String problem = structureProblem(keypair.publicKey(), addresses, relays, sequence, expiresAt, new byte[64]);
    if (problem != null) {
      throw new IllegalArgumentException("cannot sign endpoint record: " + problem);
    }
    byte[] key = keypair.publicKey();
    byte[] toSign = signedBytes(key, addresses, relays, sequence, expiresAt);
    return new EndpointRecord(key, addresses, relays, sequence, expiresAt, keypair.sign(toSign));
  }

  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  /** The NodeId this record speaks for: BLAKE3 of its public key (not yet verified: see {@link #verify}). */
  public NodeId nodeId() {
    return NodeId.fromPublicKey(publicKey);
  }

  /** The DHT key this record is stored under. */
  public Key storageKey() {
    return Key.forEndpointRecord(nodeId());
  }

  /** The exact bytes the signature covers. */
  public byte[] signedBytes() {
    return signedBytes(publicKey, addresses, relays, sequence, expiresAt);
  }

  /**
   * Accepts the record or says precisely why not. Checks, in order: the key belongs to {@code expected} (if given),
   * the signature, the expiry, and that the sequence number is above {@code lastSeenSequence}.
   *
   * @param expected the node the record must belong to, or null to accept any key
   * @param nowMillis the verifier's clock, epoch milliseconds
   * @param lastSeenSequence the highest sequence already accepted for this node, or -1 if none
   * @return the verified NodeId of the record
   */
  public NodeId verify(NodeId expected, long nowMillis, long lastSeenSequence) throws RecordRejectedException {
    NodeId id = nodeId();
    if (expected != null && !expected.equals(id)) {
      throw new RecordRejectedException(Reason.WRONG_KEY,
          "record key belongs to " + id.toHex() + ", expected " + expected.toHex());
    }
    if (!Keypair.verify(publicKey, signedBytes(), signature)) {
      throw new RecordRejectedException(Reason.BAD_SIGNATURE, "signature does not verify for " + id.toHex());
    }
    if (expiresAt <= nowMillis) {
      throw new RecordRejectedException(Reason.EXPIRED,
          "record of " + id.shortHex() + " expired at " + expiresAt + ", now " + nowMillis);
    }
    if (sequence <= lastSeenSequence) {
      throw new RecordRejectedException(Reason.REPLAYED,
          "sequence " + sequence + " is not above the last seen " + lastSeenSequence);
    }
    return id;
  }

  /** The canonical encoding (see the class comment), for storing the record as an opaque DHT value. */
  public byte[] toBytes() {
    ByteBuffer out = ByteBuffer.allocate(encodedSize());
    out.put((byte) FORMAT);
    putFields(out, publicKey, addresses, relays, sequence, expiresAt);
    out.put(signature);
    return out.array();
  }

  /**
   * Decodes {@link #toBytes()} output. Anything else (truncated, trailing bytes, wrong sizes, too many or too long
   * entries, bad address syntax, null) is a {@link Reason#MALFORMED} rejection, never another exception. The
   * signature is not checked here.
   */
  public static EndpointRecord fromBytes(byte[] bytes) throws RecordRejectedException {
    if (bytes == null) {
      throw malformed("null input");
    }
    if (bytes.length > MAX_ENCODED_SIZE) {
      throw malformed("encoding of " + bytes.length + " bytes exceeds " + MAX_ENCODED_SIZE);
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      int format = in.get() & 0xff;
      if (format != FORMAT) {
        throw malformed("unknown format " + format);
      }
      byte[] key = new byte[32];
      in.get(key);
      List<String> addresses = readStrings(in, MAX_ADDRESSES, MAX_ADDRESS_LENGTH, "address");
      List<String> relays = readStrings(in, MAX_RELAYS, MAX_RELAY_LENGTH, "relay");
      long sequence = in.getLong();
      long expiresAt = in.getLong();
      byte[] signature = new byte[64];
      in.get(signature);
      if (in.hasRemaining()) {
        throw malformed(in.remaining() + " trailing bytes");
      }
      String problem = structureProblem(key, addresses, relays, sequence, expiresAt, signature);
      if (problem != null) {
        throw malformed(problem);
      }
      return new EndpointRecord(key, addresses, relays, sequence, expiresAt, signature);
    } catch (BufferUnderflowException e) {
      throw malformed("truncated after " + in.position() + " of " + bytes.length + " bytes");
    } catch (RuntimeException e) {
      // Belt and braces: the checks above should leave nothing to throw, but the contract is MALFORMED only.
      throw malformed("undecodable: " + e);
    }
  }

  private static List<String> readStrings(ByteBuffer in, int maxCount, int maxLength, String what)
      throws RecordRejectedException {
    int count = in.get() & 0xff;
    if (count > maxCount) {
      throw malformed(count + " " + what + " entries exceed the limit of " + maxCount);
    }
    List<String> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int length = in.get() & 0xff;
      if (length > maxLength) {
        throw malformed(what + " of " + length + " bytes exceeds " + maxLength);
      }
      byte[] raw = new byte[length];
      in.get(raw);
      for (byte b : raw) {
        if (b < 0x21 || b > 0x7e) {
          throw malformed(what + " contains a non-printable or non-ASCII byte");
        }
      }
      out.add(new String(raw, StandardCharsets.US_ASCII));
    }
    return out;
  }

  private static RecordRejectedException malformed(String message) {
    return new RecordRejectedException(Reason.MALFORMED, message);
  }

  private int encodedSize() {
    int size = 1 + 32 + 1 + 1 + 8 + 8 + 64;
    for (String a : addresses) {
      size += 1 + a.length();
    }
    for (String r : relays) {
      size += 1 + r.length();
    }
    return size;
  }

  private static byte[] signedBytes(
      byte[] key, List<String> addresses, List<String> relays, long sequence, long expiresAt) {
    int size = DOMAIN_BYTES.length + 32 + 2 + 16;
    for (String a : addresses) {
      size += 1 + a.length();
    }
    for (String r : relays) {
      size += 1 + r.length();
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.put(DOMAIN_BYTES);
    putFields(out, key, addresses, relays, sequence, expiresAt);
    return out.array();
  }

  private static void putFields(
      ByteBuffer out, byte[] key, List<String> addresses, List<String> relays, long sequence, long expiresAt) {
    out.put(key);
    putStrings(out, addresses);
    putStrings(out, relays);
    out.putLong(sequence);
    out.putLong(expiresAt);
  }

  private static void putStrings(ByteBuffer out, List<String> strings) {
    out.put((byte) strings.size());
    for (String s : strings) {
      byte[] raw = s.getBytes(StandardCharsets.US_ASCII); // validated printable ASCII: one byte per char
      out.put((byte) raw.length);
      out.put(raw);
    }
  }

  /** Null if the fields form a well-formed record, otherwise the first problem found. */
  private static String structureProblem(byte[] key, List<String> addresses, List<String> relays, long sequence,
      long expiresAt, byte[] signature) {
    if (key == null || key.length != 32) {
      return "public key must have 32 bytes";
    }
    if (signature == null || signature.length != 64) {
      return "signature must have 64 bytes";
    }
    if (sequence < 0) {
      return "sequence must not be negative";
    }
    if (expiresAt <= 0) {
      return "expiry must be a positive epoch millisecond";
    }
    String problem = listProblem(addresses, MAX_ADDRESSES, MAX_ADDRESS_LENGTH, "address", false);
    return problem != null ? problem : listProblem(relays, MAX_RELAYS, MAX_RELAY_LENGTH, "relay", true);
  }

  private static String listProblem(List<String> list, int maxCount, int maxLength, String what, boolean relay) {
    if (list == null) {
      return what + " list is null";
    }
    if (list.size() > maxCount) {
      return list.size() + " " + what + " entries exceed the limit of " + maxCount;
    }
    for (String entry : list) {
      if (entry == null) {
        return "null " + what;
      }
      if (entry.length() > maxLength) {
        return what + " longer than " + maxLength + " characters";
      }
      String problem = relay ? relayProblem(entry) : HostPort.problem(entry);
      if (problem != null) {
        return what + " '" + printable(entry) + "': " + problem;
      }
    }
    return null;
  }

  private static String relayProblem(String relay) {
    int at = relay.indexOf('@');
    if (at < 0) {
      return HostPort.problem(relay);
    }
    if (at != NodeId.LENGTH * 2 || !relay.substring(0, at).chars().allMatch(
        c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
      return "relay node id must be 64 lowercase hex characters before '@'";
    }
    return HostPort.problem(relay.substring(at + 1));
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && i < MAX_RELAY_LENGTH; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return b.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EndpointRecord r && Arrays.equals(publicKey, r.publicKey) && addresses.equals(r.addresses)
        && relays.equals(r.relays) && sequence == r.sequence && expiresAt == r.expiresAt
        && Arrays.equals(signature, r.signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(publicKey), addresses, relays, sequence, expiresAt,
        Arrays.hashCode(signature));
  }

  @Override
  public String toString() {
    return "EndpointRecord[" + nodeId().shortHex() + " seq=" + sequence + " expiresAt=" + expiresAt
        + " addresses=" + addresses + " relays=" + relays + "]";
  }
}
