package org.quicmesh.wire;

/**
 * Every hard limit of the wire protocol in one place. Limits are checked when a frame header is read (frame size) and
 * when a record is constructed (field sizes, list lengths), so nothing past the codec ever sees an out-of-bounds value.
 */
public final class Limits {
  /** Largest frame body (one encoded message). A header declaring more is refused before anything is allocated. */
  public static final int MAX_FRAME_BYTES = 256 * 1024;
  /** A varint longer than this is malformed; with {@link #MAX_FRAME_BYTES} it is refused even earlier. */
  public static final int MAX_VARINT_BYTES = 5;

  /** DHT keys (FindValue/Store) are 32 bytes, like NodeIds, so they live in the same XOR space. */
  public static final int KEY_BYTES = 32;
  /** Largest value stored in the DHT. */
  public static final int MAX_VALUE_BYTES = 64 * 1024;
  /** Longest time-to-live a Store may ask for: 7 days. */
  public static final long MAX_TTL_MILLIS = 7L * 24 * 3600 * 1000;

  /** Most contacts in one Nodes/Value/Prune list (k is at most 20; some slack for adaptive k). */
  public static final int MAX_CONTACTS = 32;
  /** Longest {@code host:port} text, a bracketed IPv6 literal with scope included. */
  public static final int MAX_ADDRESS_CHARS = 64;
  /** Most address candidates a peer offers for hole punching or ReachMe. */
  public static final int MAX_CANDIDATES = 16;
  /** Largest chunk a relay forwards in one message. */
  public static final int MAX_RELAY_PAYLOAD_BYTES = 64 * 1024;
  /** Longest relay reservation a relay grants at once (clients renew). */
  public static final long MAX_RELAY_TTL_MILLIS = 24L * 3600 * 1000;
  /** Largest application payload in one AppData message (larger sends are split). */
  public static final int MAX_APP_DATA_BYTES = 64 * 1024;
  /** A dial-back's nonce: enough random bits that no one guesses it, small enough for one short datagram. */
  public static final int DIAL_BACK_NONCE_BYTES = 16;
  /** Most IPs a dial-back request asks the server to avoid (the ones the requester recently sent to). */
  public static final int MAX_DIAL_BACK_AVOID = 64;
  /** Longest free-text detail in Rejected / HolePunchFailed. */
  public static final int MAX_DETAIL_CHARS = 256;

  /** Longest topic name. */
  public static final int MAX_TOPIC_CHARS = 256;
  /** Ed25519 raw public key (the origin of a Publish). */
  public static final int PUBLIC_KEY_BYTES = 32;
  /** Ed25519 signature. */
  public static final int SIGNATURE_BYTES = 64;
  /** Largest payload of one published message. */
  public static final int MAX_PUBLISH_PAYLOAD_BYTES = 64 * 1024;
  /** Most message ids in one IHave or IWant. */
  public static final int MAX_MESSAGE_IDS = 5_000;
  /**
   * Longest message id: room for a 32-byte hash or a 32-byte origin plus an 8-byte seqno, and small enough that a
   * full IHave ({@value #MAX_MESSAGE_IDS} ids) still fits in one frame.
   */
  public static final int MAX_MESSAGE_ID_BYTES = 40;
  /** Longest hold time an IHave announcement may give for one message: the seen-cache's 2 minutes. */
  public static final int MAX_HELD_MILLIS = 120_000;
  /** Longest PRUNE backoff a peer may impose: 1 hour. */
  public static final long MAX_BACKOFF_MILLIS = 3600L * 1000;

  /** Deepest CBOR nesting the parser accepts; our deepest message (Prune -> list -> Contact) needs 3. */
  public static final int MAX_NESTING_DEPTH = 16;
  /** Longest CBOR text string the parser materializes (all our text fields are far shorter). */
  public static final int MAX_TEXT_CHARS = 1024;
  /** Most CBOR tokens in one message: a full IHave with hold times needs about twice {@value #MAX_MESSAGE_IDS}. */
  public static final int MAX_TOKENS = 4 * MAX_MESSAGE_IDS;

  private Limits() {}
}
