package org.quicmesh.nat.stun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicmesh.nat.stun.StunAttribute.ChangeRequest;
import org.quicmesh.nat.stun.StunAttribute.ErrorCode;
import org.quicmesh.nat.stun.StunAttribute.OtherAddress;
import org.quicmesh.nat.stun.StunAttribute.Software;
import org.quicmesh.nat.stun.StunAttribute.XorMappedAddress;

/**
 * Randomized robustness of the STUN decoder (fixed seed, so failures reproduce): 100,000 random, mutated and
 * truncated datagrams either decode into a message that re-encodes and decodes to the same thing, or are refused
 * with a {@link StunFormatException}; never any other exception.
 */
class StunFuzzTest {
  private static final int INPUTS = 100_000;
  private final Random random = new Random(0x57_0A_2026L);

  @Test
  void decodingNeverFailsWithAnythingButStunFormatException() throws Exception {
    List<byte[]> valid = samples();
    Map<StunFormatException.Reason, Integer> reasons = new EnumMap<>(StunFormatException.Reason.class);
    int accepted = 0;
    for (int i = 0; i < INPUTS; i++) {
      byte[] input = switch (random.nextInt(4)) {
        case 0 -> randomBytes();
        case 1 -> truncateOrExtend(valid.get(random.nextInt(valid.size())));
        default -> mutate(valid.get(random.nextInt(valid.size())));
      };
      try {
        StunMessage decoded = StunCodec.decode(input);
        accepted++;
        byte[] again = StunCodec.encode(decoded);
        assertArrayEquals(again, StunCodec.encode(StunCodec.decode(again)), "input " + i + " is not stable");
      } catch (StunFormatException e) {
        reasons.merge(e.reason(), 1, Integer::sum);
      } catch (RuntimeException | Error e) {
        fail("input " + i + " threw " + e, e);
      }
    }
    assertTrue(accepted > 100, "mutations of valid messages should sometimes stay valid: " + accepted);
    assertTrue(reasons.size() >= 5, "the inputs should exercise most refusal reasons: " + reasons);
  }

  private List<byte[]> samples() throws Exception {
    var a = new InetSocketAddress(InetAddress.getByName("198.51.100.20"), 5000);
    var b = new InetSocketAddress(InetAddress.getByName("2001:db8::20"), 5001);
    List<byte[]> samples = new ArrayList<>();
    samples.add(StunCodec.encode(StunMessage.bindingRequest(TransactionId.random(random))));
    samples.add(StunCodec.encode(StunMessage.bindingRequest(TransactionId.random(random),
        new ChangeRequest(true, true))));
    samples.add(StunCodec.encode(new StunMessage(StunClass.SUCCESS_RESPONSE, StunMessage.BINDING,
        TransactionId.random(random), List.of(new XorMappedAddress(a), new OtherAddress(b), new Software("q")))));
    samples.add(StunCodec.encode(new StunMessage(StunClass.ERROR_RESPONSE, StunMessage.BINDING,
        TransactionId.random(random), List.of(new ErrorCode(400, "Bad Request")))));
    samples.add(StunCodecTest.RFC5769_IPV4_RESPONSE);
    samples.add(StunCodecTest.RFC5769_IPV6_RESPONSE);
    return samples;
  }

  private byte[] randomBytes() {
    byte[] bytes = new byte[random.nextInt(120)];
    random.nextBytes(bytes);
    if (bytes.length >= 8 && random.nextBoolean()) { // past the cookie check, into the attribute parser
      bytes[0] &= 0x3F;
      bytes[4] = 0x21;
      bytes[5] = 0x12;
      bytes[6] = (byte) 0xA4;
      bytes[7] = 0x42;
    }
    return bytes;
  }

  private byte[] mutate(byte[] valid) {
    byte[] bytes = valid.clone();
    int flips = 1 + random.nextInt(3);
    for (int i = 0; i < flips; i++) {
      int at = 20 + random.nextInt(Math.max(1, bytes.length - 20));
      bytes[Math.min(at, bytes.length - 1)] = (byte) random.nextInt(256);
    }
    return bytes;
  }

  private byte[] truncateOrExtend(byte[] valid) {
    byte[] bytes = new byte[Math.max(0, valid.length + random.nextInt(17) - 8)];
    System.arraycopy(valid, 0, bytes, 0, Math.min(valid.length, bytes.length));
    return bytes;
  }
}
