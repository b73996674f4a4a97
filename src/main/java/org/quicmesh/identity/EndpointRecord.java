package org.quicmesh.identity;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.quicmesh.identity.RecordRejectedException.Reason;

/**
 * A node's signed statement of where it can be reached, stored in the DHT at {@link Key#forEndpointRecord(NodeId)}.
 *
 * <p>Fields: the encoding's format (1 or 2), the node's raw Ed25519 public key (whose BLAKE3 is its NodeId), direct
 * addresses ({@code "ip:port"}, IPv6 as {@code "[ip]:port"}, literal IPs only) and, in format 2, each one's
 * {@link AddressKind} ({@code kinds}, one per address; empty in format 1), relays (either {@code "ip:port"} or
 * {@code "<64-hex relay node id>@ip:port"}: for a node behind a NAT, relays it holds sessions with), in format 2 an
 * optional {@link RelayService} advertisement (null when the node does not relay for others; always null in format
 * 1), a sequence number (a newer record has a higher one), an expiry in epoch milliseconds, and a 64-byte Ed25519
 * signature over {@link #signedBytes()}. Format 1 records (no kinds) still decode and verify; nodes sign format 2.
 *
 * <p>Construction checks the structure (so a record decoded by Jackson is always well formed; a bad one fails with
 * {@link IllegalArgumentException}) but not the signature: call {@link #verify} before trusting it.
 *
 * <p>Canonical encoding ({@link #toBytes()}), all integers big-endian:
 *
 * <pre>
 * u8 format (1 or 2)
 * publicKey[32]
 * u8 addressCount, then per address: [format 2: u8 kind code] u8 length, ASCII bytes
 * u8 relayCount, then per relay: u8 length, ASCII bytes
 * [format 2: u8 relayService: 0 (none); 1 then u8 accepting (0 | 1) and u16 loadPermille (0..1000); or 2 then the
 *  same and u8 capabilityCount (1..8), per capability (sorted, distinct): u8 length, ASCII bytes]
 * i64 sequence
 * i64 expiresAtMillis
 * signature[64]
 * </pre>
 *
 * The signed bytes are the ASCII domain prefix of the format ({@value #SIGNATURE_DOMAIN} for format 1,
 * {@value #SIGNATURE_DOMAIN_V2} for format 2, so a signature never verifies under the other format's reading), a
 * zero byte, then the same fields from {@code publicKey} to {@code expiresAtMillis}. The encoding is injective and the
 * decoder strict (unknown kind codes, flags other than 0 and 1, loads above 1000, a capability list that is empty
 * under flag 2 or not strictly ascending are malformed; a service without capabilities is written with flag 1, as
 * records signed before capabilities existed, which therefore still decode and verify), so
 * {@code toBytes(fromBytes(b))} equals {@code b} for every accepted {@code b}.
 */
public record EndpointRecord(int format, byte[] publicKey, List<String> addresses, List<AddressKind> kinds,
    List<String> relays, RelayService relayService, long sequence, long expiresAt, byte[] signature) {

  public static final int MAX_ADDRESSES = 16;
  public static final int MAX_RELAYS = 16;
  public static final int MAX_ADDRESS_LENGTH = 64;
  /** A relay may carry its node id: 64 hex + '@' + the longest address. */
  public static final int MAX_RELAY_LENGTH = 64 + 1 + MAX_ADDRESS_LENGTH;
  /** The signature domain of format 1. */
  public static final String SIGNATURE_DOMAIN = "quicmesh/endpoint-record/v1";
  /** The signature domain of format 2 (addresses with kinds, relay service). */
  public static final String SIGNATURE_DOMAIN_V2 = "quicmesh/endpoint-record/v2";
  /** Addresses without kinds. */
  public static final int FORMAT_1 = 1;
  /** Addresses with kinds, and the relay service advertisement: what nodes sign. */
  public static final int FORMAT_2 = 2;
  /** Upper bound of {@link #toBytes()} (format 2, the larger); the decoder refuses longer input before parsing. */
  public static final int MAX_ENCODED_SIZE = 1 + 32 + 1 + MAX_ADDRESSES * (1 + 1 + MAX_ADDRESS_LENGTH) + 1
      + MAX_RELAYS * (1 + MAX_RELAY_LENGTH)
      + (1 + 1 + 2 + 1 + RelayService.MAX_CAPABILITIES * (1 + RelayService.MAX_CAPABILITY_LENGTH)) + 8 + 8 + 64;

  private static final byte[] DOMAIN_BYTES = (SIGNATURE_DOMAIN + "\0").getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DOMAIN_BYTES_V2 = (SIGNATURE_DOMAIN_V2 + "\0").getBytes(StandardCharsets.US_ASCII);

  /** Checks the structure and takes defensive copies. */
  public EndpointRecord {
    String problem = structureProblem(format, publicKey, addresses, kinds, relays, relayService, sequence, expiresAt,
        signature);
    if (problem != null) {
      throw new IllegalArgumentException("malformed endpoint record: " + problem);
    }
    publicKey = publicKey.clone();
    addresses = List.copyOf(addresses);
    kinds = List.copyOf(kinds);
    relays = List.copyOf(relays);
    signature = signature.clone();
  }

  /** A format 1 record (addresses without kinds, no relay service), as older nodes signed them. */
  public EndpointRecord(byte[] publicKey, List<String> addresses, List<String> relays, long sequence, long expiresAt,
      byte[] signature) {
    this(FORMAT_1, publicKey, addresses, List.of(), relays, null, sequence, expiresAt, signature);
  }

  /**
   * Builds and signs a format 2 record for {@code keypair}'s node.
   *
   * @param kinds one per address
   * @param relayService null unless the node relays for others
   * @throws IllegalArgumentException if the fields break the limits (see {@link #MAX_ADDRESSES} etc.)
   */
  public static EndpointRecord sign(Keypair keypair, List<String> addresses, List<AddressKind> kinds,
      List<String> relays, RelayService relayService, long sequence, long expiresAt) {
    return sign(keypair, FORMAT_2, addresses, kinds, relays, relayService, sequence, expiresAt);
  }

  /**
   * Builds and signs a format 1 record (no kinds): what older nodes published, kept to test that such records still
   * decode and verify.
   */
  public static EndpointRecord sign(
      Keypair keypair, List<String> addresses, List<String> relays, long sequence, long expiresAt) {
    return sign(keypair, FORMAT_1, addresses, List.of(), relays, null, sequence, expiresAt);
  }

  private static EndpointRecord sign(Keypair keypair, int format, List<String> addresses, List<AddressKind> kinds,
      List<String> relays, RelayService relayService, long sequence, long expiresAt) {
    byte[] key = keypair.publicKey();
    String problem = structureProblem(format, key, addresses, kinds, relays, relayService, sequence, expiresAt,
        new byte[64]);
    if (problem != null) {
      throw new IllegalArgumentException("cannot sign endpoint record: " + problem);
    }
    byte[] toSign = signedBytes(format, key, addresses, kinds, relays, relayService, sequence, expiresAt);
    return new EndpointRecord(format, key, addresses, kinds, relays, relayService, sequence, expiresAt,
        keypair.sign(toSign));
  }

  /** The relay service this node advertises, if any. */
  public Optional<RelayService> advertisedRelayService() {
    return Optional.ofNullable(relayService);
  }

  /** The addresses of one kind (none for a format 1 record, whose addresses have no kind). */
  public List<String> addressesOfKind(AddressKind kind) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < kinds.size(); i++) {
      if (kinds.get(i) == kind) {
        out.add(addresses.get(i));
      }
    }
    return out;
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
    return signedBytes(format, publicKey, addresses, kinds, relays, relayService, sequence, expiresAt);
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
    ByteBuffer out = ByteBuffer.allocate(1 + fieldsSize(format, addresses, relays, relayService) + 64);
    out.put((byte) format);
    putFields(out, format, publicKey, addresses, kinds, relays, relayService, sequence, expiresAt);
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
      if (format != FORMAT_1 && format != FORMAT_2) {
        throw malformed("unknown format " + format);
      }
      byte[] key = new byte[32];
      in.get(key);
      List<AddressKind> kinds = new ArrayList<>();
      List<String> addresses = readStrings(in, MAX_ADDRESSES, MAX_ADDRESS_LENGTH, "address",
          format == FORMAT_2 ? kinds : null);
      List<String> relays = readStrings(in, MAX_RELAYS, MAX_RELAY_LENGTH, "relay", null);
      RelayService relayService = format == FORMAT_2 ? readRelayService(in) : null;
      long sequence = in.getLong();
      long expiresAt = in.getLong();
      byte[] signature = new byte[64];
      in.get(signature);
      if (in.hasRemaining()) {
        throw malformed(in.remaining() + " trailing bytes");
      }
      String problem = structureProblem(format, key, addresses, kinds, relays, relayService, sequence, expiresAt,
          signature);
      if (problem != null) {
        throw malformed(problem);
      }
      return new EndpointRecord(format, key, addresses, kinds, relays, relayService, sequence, expiresAt, signature);
    } catch (BufferUnderflowException e) {
      throw malformed("truncated after " + in.position() + " of " + bytes.length + " bytes");
    } catch (RuntimeException e) {
      // Belt and braces: the checks above should leave nothing to throw, but the contract is MALFORMED only.
      throw malformed("undecodable: " + e);
    }
  }

  /** Reads a counted list of strings; with {@code kinds} non-null, each string is preceded by its kind code. */
  private static List<String> readStrings(ByteBuffer in, int maxCount, int maxLength, String what,
      List<AddressKind> kinds) throws RecordRejectedException {
    int count = in.get() & 0xff;
    if (count > maxCount) {
      throw malformed(count + " " + what + " entries exceed the limit of " + maxCount);
    }
    List<String> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      if (kinds != null) {
        int code = in.get() & 0xff;
        AddressKind kind = AddressKind.ofCode(code);
        if (kind == null) {
          throw malformed("unknown address kind " + code);
        }
        kinds.add(kind);
      }
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

  private static RelayService readRelayService(ByteBuffer in) throws RecordRejectedException {
    int present = in.get() & 0xff;
    if (present == 0) {
      return null;
    }
    if (present != 1 && present != 2) {
      throw malformed("relay service flag " + present + " is none of 0, 1, 2");
    }
    int accepting = in.get() & 0xff;
    if (accepting > 1) {
      throw malformed("relay accepting flag " + accepting + " is neither 0 nor 1");
    }
    int load = in.getShort() & 0xffff;
    if (load > RelayService.MAX_LOAD_PERMILLE) {
      throw malformed("relay load " + load + " exceeds " + RelayService.MAX_LOAD_PERMILLE + " permille");
    }
    if (present == 1) {
      return new RelayService(accepting == 1, load);
    }
    int count = in.get() & 0xff;
    if (count < 1 || count > RelayService.MAX_CAPABILITIES) {
      throw malformed(count + " relay capabilities under flag 2, expected 1.." + RelayService.MAX_CAPABILITIES);
    }
    List<String> capabilities = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] raw = new byte[in.get() & 0xff];
      in.get(raw);
      String capability = new String(raw, StandardCharsets.US_ASCII);
      String problem = RelayService.capabilityProblem(capability);
      if (problem != null) {
        throw malformed(problem);
      }
      if (i > 0 && capabilities.get(i - 1).compareTo(capability) >= 0) {
        throw malformed("relay capabilities are not strictly ascending");
      }
      capabilities.add(capability);
    }
    return new RelayService(accepting == 1, load, capabilities);
  }

  private static RecordRejectedException malformed(String message) {
    return new RecordRejectedException(Reason.MALFORMED, message);
  }

  /** The bytes from the public key to the expiry. */
  private static int fieldsSize(int format, List<String> addresses, List<String> relays,
      RelayService relayService) {
    int size = 32 + 1 + 1 + 8 + 8;
    for (String a : addresses) {
      size += 1 + a.length() + (format == FORMAT_2 ? 1 : 0);
    }
    for (String r : relays) {
      size += 1 + r.length();
    }
    return size + (format == FORMAT_2 ? 1 + relayServiceSize(relayService) : 0);
  }

  private static int relayServiceSize(RelayService service) {
    if (service == null) {
      return 0;
    }
    int size = 1 + 2;
    if (!service.capabilities().isEmpty()) {
      size += 1;
      for (String capability : service.capabilities()) {
        size += 1 + capability.length();
      }
    }
    return size;
  }

  private static byte[] signedBytes(int format, byte[] key, List<String> addresses, List<AddressKind> kinds,
      List<String> relays, RelayService relayService, long sequence, long expiresAt) {
    byte[] domain = format == FORMAT_2 ? DOMAIN_BYTES_V2 : DOMAIN_BYTES;
    ByteBuffer out = ByteBuffer.allocate(domain.length + fieldsSize(format, addresses, relays, relayService));
    out.put(domain);
    putFields(out, format, key, addresses, kinds, relays, relayService, sequence, expiresAt);
    return out.array();
  }

  private static void putFields(ByteBuffer out, int format, byte[] key, List<String> addresses,
      List<AddressKind> kinds, List<String> relays, RelayService relayService, long sequence, long expiresAt) {
    out.put(key);
    putStrings(out, addresses, format == FORMAT_2 ? kinds : null);
    putStrings(out, relays, null);
    if (format == FORMAT_2) {
      boolean withCapabilities = relayService != null && !relayService.capabilities().isEmpty();
      out.put((byte) (relayService == null ? 0 : withCapabilities ? 2 : 1));
      if (relayService != null) {
        out.put((byte) (relayService.accepting() ? 1 : 0));
        out.putShort((short) relayService.loadPermille());
      }
      if (withCapabilities) {
        out.put((byte) relayService.capabilities().size());
        for (String capability : relayService.capabilities()) {
          out.put((byte) capability.length()); // validated a-z 0-9 / - .: one byte per char
          out.put(capability.getBytes(StandardCharsets.US_ASCII));
        }
      }
    }
    out.putLong(sequence);
    out.putLong(expiresAt);
  }

  private static void putStrings(ByteBuffer out, List<String> strings, List<AddressKind> kinds) {
    out.put((byte) strings.size());
    for (int i = 0; i < strings.size(); i++) {
      String s = strings.get(i);
      if (kinds != null) {
        out.put((byte) kinds.get(i).code());
      }
      byte[] raw = s.getBytes(StandardCharsets.US_ASCII); // validated printable ASCII: one byte per char
      out.put((byte) raw.length);
      out.put(raw);
    }
  }

  /** Null if the fields form a well-formed record, otherwise the first problem found. */
  private static String structureProblem(int format, byte[] key, List<String> addresses, List<AddressKind> kinds,
      List<String> relays, RelayService relayService, long sequence, long expiresAt, byte[] signature) {
    if (format != FORMAT_1 && format != FORMAT_2) {
      return "unknown format " + format;
    }
    if (kinds == null) {
      return "kind list is null";
    }
    if (format == FORMAT_1 && (!kinds.isEmpty() || relayService != null)) {
      return "format 1 has neither address kinds nor a relay service";
    }
    if (format == FORMAT_2 && addresses != null && kinds.size() != addresses.size()) {
      return kinds.size() + " kinds for " + addresses.size() + " addresses";
    }
    for (AddressKind kind : kinds) { // List.of(...).contains(null) throws: look at each
      if (kind == null) {
        return "null address kind";
      }
    }
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
    return o instanceof EndpointRecord r && format == r.format && Arrays.equals(publicKey, r.publicKey)
        && addresses.equals(r.addresses) && kinds.equals(r.kinds) && relays.equals(r.relays)
        && Objects.equals(relayService, r.relayService) && sequence == r.sequence && expiresAt == r.expiresAt
        && Arrays.equals(signature, r.signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(format, Arrays.hashCode(publicKey), addresses, kinds, relays, relayService, sequence,
        expiresAt, Arrays.hashCode(signature));
  }

  @Override
  public String toString() {
    return "EndpointRecord[" + nodeId().shortHex() + " format=" + format + " seq=" + sequence + " expiresAt="
        + expiresAt + " addresses=" + addresses + " kinds=" + kinds + " relays=" + relays
        + (relayService == null ? "" : " relayService=" + relayService) + "]";
  }
}
