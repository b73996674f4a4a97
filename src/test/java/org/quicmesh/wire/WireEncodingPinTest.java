package org.quicmesh.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Pins the encoded bytes: the CBOR type names and field layout are the protocol, so a refactoring of the message
 * types (families, interfaces) must leave every byte as it was. A change here is a protocol change.
 */
class WireEncodingPinTest {
  private static String hex(Message message) {
    return HexFormat.of().formatHex(WireCodec.encode(message));
  }

  @Test
  void fewMessagesEncodeToTheirPinnedBytes() {
    assertEquals("bf61746450696e676466726f6dbf626964582073d51abbd89cb8196f0efb6892f94d68fccc2c35f0b84609e5f12c55dd"
        + "85aba867616464726573736d31302e302e312e323a34303031ffff",
        hex(new Ping(MessageSamples.ME)));
    assertEquals("bf61746c5768617449734d79416464726466726f6dbf626964582039722cbbf8b91a4b9045c5e6175f1001eac32f7fcd"
        + "5eccda5c6e62fc4e6385086761646472657373725b323030313a6462383a3a315d3a34343333ffff",
        hex(new WhatIsMyAddr(MessageSamples.V6)));
    assertEquals("bf61746341636bff", hex(new Ack()));
    assertEquals("bf61746852656a656374656466726561736f6e6e51554f54415f45584345454445446664657461696c6178ff",
        hex(new Rejected(Rejected.Reason.QUOTA_EXCEEDED, "x")));
    assertEquals("bf61746953756273637269626565746f7069636463686174ff", hex(new Subscribe("chat")));
  }

  /** Last changed on purpose when IHave gained {@code heldMillis} (batched announcements to choking peers). */
  @Test
  void everySampleMessageEncodesToThePinnedDigest() throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (Message message : MessageSamples.typical()) {
      sha.update(WireCodec.encode(message));
    }
    assertEquals("e18c0fd5f1abaa411b204e56444c37184ed0b19752c7d74cc430cfbddef6d75d",
        HexFormat.of().formatHex(sha.digest()));
  }
}
