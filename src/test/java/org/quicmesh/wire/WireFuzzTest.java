package org.quicmesh.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Randomized robustness of the decoding boundary (fixed seed, so failures reproduce): whatever bytes arrive,
 * {@link WireCodec#decode} either yields a valid message or throws {@link WireFormatException}; never any other
 * exception or error, OutOfMemoryError and StackOverflowError included. (Frame streams are fuzzed against the frame
 * codec in {@code transport.quic.stream.FrameCodecFuzzTest}.)
 */
class WireFuzzTest {
  private static final long SEED = 0x5EED_2024L;
  private static final int INPUTS = 100_000;
  private static final CBORMapper PLAIN = new CBORMapper();
  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

  private final Random random = new Random(SEED);
  private final List<byte[]> valid = new ArrayList<>();
  private final List<Map<String, Object>> trees = new ArrayList<>();
  private int accepted;
  private int rejected;
  private long decodeNanos;
  private int decodes;

  @Test
  void decodingNeverFailsWithAnythingButWireFormatException() throws IOException {
    for (Message m : MessageSamples.typical()) {
      byte[] encoded = WireCodec.encode(m);
      valid.add(encoded);
      trees.add(PLAIN.readValue(encoded, MAP));
    }
    long start = System.nanoTime();
    for (int i = 0; i < INPUTS; i++) {
      int kind = random.nextInt(100);
      byte[] input = kind < 15 ? randomBytes()
          : kind < 55 ? mutate(valid.get(random.nextInt(valid.size())))
          : kind < 62 ? withHugeDeclaredLength(valid.get(random.nextInt(valid.size())))
          : kind < 70 ? unknownTypeName()
          : wrongFieldType();
      checkDecode(input, i);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("wire fuzz: %,d inputs in %.2f s = %,.0f inputs/s (generation and checks included; "
            + "WireCodec.decode alone %,.0f/s); %d yielded valid messages, %d rejected%n",
        INPUTS, seconds, INPUTS / seconds, decodes / (decodeNanos / 1e9), accepted, rejected);
    assertTrue(accepted > 0 && rejected > 0, "the fuzz should exercise both outcomes");
  }

  private void checkDecode(byte[] input, int index) {
    Message message;
    long t0 = System.nanoTime();
    try {
      message = WireCodec.decode(input);
    } catch (WireFormatException e) {
      decodeNanos += System.nanoTime() - t0;
      decodes++;
      rejected++;
      return;
    } catch (Throwable t) {
      fail("input #" + index + " " + HexFormat.of().formatHex(input) + " escaped as " + t, t);
      return;
    }
    decodeNanos += System.nanoTime() - t0;
    decodes++;
    accepted++;
    assertValid(message, index);
  }

  /** Whatever decodes must be a valid message: it re-encodes and decodes to an equal one. */
  private void assertValid(Message message, int index) {
    try {
      assertEquals(message, WireCodec.decode(WireCodec.encode(message)), "input #" + index);
    } catch (WireFormatException e) {
      fail("input #" + index + " decoded to " + message + " which does not round-trip", e);
    }
  }

  private byte[] randomBytes() {
    byte[] bytes = new byte[random.nextInt(random.nextBoolean() ? 16 : 300)];
    random.nextBytes(bytes);
    if (bytes.length > 0 && random.nextBoolean()) {
      bytes[0] = (byte) (0xa0 | random.nextInt(8)); // often start like a small CBOR map, to get past the first byte
    }
    return bytes;
  }

  /** 1-4 random edits: bit flips, byte replacements, truncations, insertions, deletions, duplications. */
  private byte[] mutate(byte[] original) {
    byte[] bytes = original.clone();
    int edits = 1 + random.nextInt(4);
    for (int e = 0; e < edits && bytes.length > 0; e++) {
      int at = random.nextInt(bytes.length);
      switch (random.nextInt(6)) {
        case 0 -> bytes[at] ^= (byte) (1 << random.nextInt(8));
        case 1 -> bytes[at] = (byte) random.nextInt(256);
        case 2 -> bytes = Arrays.copyOf(bytes, at);
        case 3 -> bytes = splice(bytes, at, 0, randomChunk(1 + random.nextInt(8)));
        case 4 -> bytes = splice(bytes, at, Math.min(1 + random.nextInt(4), bytes.length - at), new byte[0]);
        default -> bytes = splice(bytes, at, 0, Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + 1
            + random.nextInt(16))));
      }
    }
    return bytes;
  }

  /** Puts a CBOR header declaring an enormous byte string, text, array or map somewhere in a valid encoding. */
  private byte[] withHugeDeclaredLength(byte[] original) {
    int major = new int[] {0x40, 0x60, 0x80, 0xa0}[random.nextInt(4)];
    byte[] header = random.nextBoolean()
        ? new byte[] {(byte) (major | 26), (byte) 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}
        : new byte[] {(byte) (major | 27), (byte) 0x7f, -1, -1, -1, -1, -1, -1, -1};
    int at = random.nextInt(original.length + 1);
    return splice(original, at, at < original.length ? random.nextInt(2) : 0, header);
  }

  private byte[] unknownTypeName() {
    Map<String, Object> tree = new LinkedHashMap<>(trees.get(random.nextInt(trees.size())));
    String[] names = {"Teleport", "", "ping", "Ping ", "Request", "Message", "Contact", "java.lang.Object",
        "org.quicmesh.wire.Ping", "\u0000", "Rejected$Reason"};
    tree.put("t", random.nextInt(4) == 0 ? randomValue(0) : names[random.nextInt(names.length)]);
    return cbor(tree);
  }

  /** Replaces, removes or adds one field with a value of a random (usually wrong) type. */
  private byte[] wrongFieldType() {
    Map<String, Object> tree = new LinkedHashMap<>(trees.get(random.nextInt(trees.size())));
    List<String> keys = new ArrayList<>(tree.keySet());
    keys.remove("t");
    int action = random.nextInt(10);
    if (keys.isEmpty() || action == 0) {
      tree.put("x" + random.nextInt(3), randomValue(0));
    } else if (action == 1) {
      tree.remove(keys.get(random.nextInt(keys.size())));
    } else {
      tree.put(keys.get(random.nextInt(keys.size())), randomValue(0));
    }
    return cbor(tree);
  }

  private Object randomValue(int depth) {
    switch (random.nextInt(depth > 2 ? 9 : 11)) {
      case 0: return null;
      case 1: return random.nextLong();
      case 2: return random.nextInt(100);
      case 3: return random.nextDouble();
      case 4: return random.nextBoolean();
      case 5: return "s".repeat(random.nextInt(40));
      case 6: return randomChunk(random.nextBoolean() ? 32 : random.nextInt(70));
      case 7: return "10.0.0." + random.nextInt(300) + ":" + random.nextInt(70_000);
      case 8: return Rejected.Reason.values()[random.nextInt(Rejected.Reason.values().length)].name();
      case 9: {
        List<Object> list = new ArrayList<>();
        for (int i = random.nextInt(40); i > 0; i--) {
          list.add(randomValue(depth + 1));
        }
        return list;
      }
      default: {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put(random.nextBoolean() ? "id" : "address", randomValue(depth + 1));
        if (random.nextBoolean()) {
          map.put("address", randomValue(depth + 1));
        }
        return map;
      }
    }
  }

  private byte[] randomChunk(int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  private static byte[] splice(byte[] bytes, int at, int remove, byte[] insert) {
    byte[] out = new byte[bytes.length - remove + insert.length];
    System.arraycopy(bytes, 0, out, 0, at);
    System.arraycopy(insert, 0, out, at, insert.length);
    System.arraycopy(bytes, at + remove, out, at + insert.length, bytes.length - at - remove);
    return out;
  }

  private static byte[] cbor(Object value) {
    try {
      return PLAIN.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
