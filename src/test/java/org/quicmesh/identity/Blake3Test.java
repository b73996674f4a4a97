package org.quicmesh.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Blake3Test {
  /**
   * Official vectors: BLAKE3-team/BLAKE3 test_vectors/test_vectors.json, "hash" field (first 32 bytes of the extended
   * output). Input is {@code n} bytes {@code i % 251}.
   */
  @ParameterizedTest(name = "length {0}")
  @CsvSource({
      "0,     af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
      "1,     2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213",
      "1023,  10108970eeda3eb932baac1428c7a2163b0e924c9a9e25b35bba72b28f70bd11",
      "1024,  42214739f095a406f3fc83deb889744ac00df831c10daa55189b5d121c855af7",
      "1025,  d00278ae47eb27b34faecf67b4fe263f82d5412916c1ffd97c8cb7fb814b8444",
      "2048,  e776b6028c7cd22a4d0ba182a8bf62205d2ef576467e838ed6f2529b85fba24a",
      "31744, 62b6960e1a44bcc1eb1a611a8d6235b6b4b78f32e7abc4fb4c6cdcce94895c47",
  })
  void hashMatchesTheOfficialTestVector(int length, String expectedHex) {
    byte[] input = new byte[length];
    for (int i = 0; i < length; i++) {
      input[i] = (byte) (i % 251);
    }
    assertEquals(expectedHex, HexFormat.of().formatHex(Blake3.hash(input)));
  }

  @ParameterizedTest(name = "split at {0}")
  @CsvSource({"0", "1", "500", "1024"})
  void hashOfPartsEqualsHashOfTheirConcatenation(int split) {
    byte[] input = new byte[1025];
    for (int i = 0; i < input.length; i++) {
      input[i] = (byte) (i % 251);
    }
    byte[] a = java.util.Arrays.copyOfRange(input, 0, split);
    byte[] b = java.util.Arrays.copyOfRange(input, split, input.length);
    assertEquals(HexFormat.of().formatHex(Blake3.hash(input)), HexFormat.of().formatHex(Blake3.hash(a, b)));
  }
}
