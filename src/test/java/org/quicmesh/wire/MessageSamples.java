package org.quicmesh.wire;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.quicmesh.identity.NodeId;

/** One typical sample of every message record, plus the largest legal ones; shared by the wire tests. */
public final class MessageSamples {
  private MessageSamples() {}

  static NodeId id(int seed) {
    byte[] bytes = new byte[32];
    new Random(seed).nextBytes(bytes);
    return NodeId.of(bytes);
  }

  static byte[] bytes(int length, int seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  static Contact contact(int seed) {
    return new Contact(id(seed), "10.0." + (seed % 250) + "." + (1 + seed % 200) + ":" + (4000 + seed));
  }

  static final Contact ME = contact(1);
  static final Contact V6 = new Contact(id(2), "[2001:db8::1]:4433");

  /** Exactly one sample per message record. */
  public static List<Message> typical() {
    return List.of(
        new Ping(ME),
        new FindNode(ME, id(9)),
        new FindValue(ME, bytes(32, 3)),
        new Store(ME, bytes(32, 4), "hello".getBytes(), 3_600_000),
        new WhatIsMyAddr(V6),
        new RelayReserve(ME),
        new DialBack(ME, DialBack.Source.OTHER_IP, bytes(16, 30), List.of("203.0.113.4", "2001:db8::9")),
        new DialBackRelay(ME, "198.51.100.7:61000", bytes(16, 31)),
        new RelayConnect(ME, id(5)),
        new RelayIncoming(ME, id(6), 43L),
        new AppData(ME, 3L, bytes(100, 8)),
        new RelayForward(ME, 42L, bytes(100, 6)),
        new RelayClose(ME, 42L),
        new HolePunchRegister(ME, id(7)),
        new HolePunchStart(ME, id(7), List.of("192.168.1.2:4433", "[::1]:4433"), bytes(16, 9)),
        new PathProbe(ME, 7L, 1_700_000_000_000L),
        new ReachMe(ME, List.of("203.0.113.9:5000")),
        new Ack(),
        new Nodes(List.of(contact(10), contact(11), V6)),
        new Value(bytes(500, 12)),
        new Rejected(Rejected.Reason.QUOTA_EXCEEDED, "peer stores too much"),
        new YourAddr("198.51.100.7:61000"),
        new RelayReserved(600_000L, 250, "198.51.100.7:61000"),
        new DialBackSent("203.0.113.5:4433"),
        new RelayConnected(1L),
        new RelayForwarded(Long.MAX_VALUE),
        new RelayClosed(Long.MIN_VALUE),
        new HolePunchWaiting(),
        new HolePunchReady(List.of("198.51.100.7:61000")),
        new HolePunchFailed("peer never registered"),
        new PathReply(7L, 1_700_000_000_000L, "198.51.100.7:61000"),
        new Subscribe("chat"),
        new Unsubscribe("chat"),
        new Graft("chat/ü"),
        new Prune("chat", List.of(contact(20)), 60_000),
        new Publish("chat", bytes(32, 21), 99L, "hi all".getBytes(), bytes(64, 22)),
        new IHave("chat", List.of(bytes(32, 23), bytes(40, 24)), List.of(0, 249)),
        new IWant(List.of(bytes(32, 25))),
        new Choke("chat"),
        new Unchoke("chat"));
  }

  /** The largest legal messages: each must still fit in one frame. */
  public static List<Message> largest() {
    List<Contact> contacts = new ArrayList<>();
    for (int i = 0; i < Limits.MAX_CONTACTS; i++) {
      contacts.add(new Contact(id(i), "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535"));
    }
    List<String> candidates = new ArrayList<>();
    for (int i = 0; i < Limits.MAX_CANDIDATES; i++) {
      candidates.add("[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535");
    }
    List<byte[]> ids = new ArrayList<>();
    for (int i = 0; i < Limits.MAX_MESSAGE_IDS; i++) {
      ids.add(bytes(Limits.MAX_MESSAGE_ID_BYTES, i));
    }
    String topic = "t".repeat(Limits.MAX_TOPIC_CHARS);
    char[] wide = new char[Limits.MAX_TOPIC_CHARS];
    Arrays.fill(wide, '\u4e16'); // 3 bytes in UTF-8
    String wideTopic = new String(wide);
    return List.of(
        new Store(ME, bytes(32, 1), bytes(Limits.MAX_VALUE_BYTES, 2), Limits.MAX_TTL_MILLIS),
        new Value(bytes(Limits.MAX_VALUE_BYTES, 3)),
        new Nodes(contacts),
        new Prune(wideTopic, contacts, Limits.MAX_BACKOFF_MILLIS),
        new RelayForward(ME, 1L, bytes(Limits.MAX_RELAY_PAYLOAD_BYTES, 4)),
        new HolePunchStart(ME, id(3), candidates, bytes(HolePunchStart.TOKEN_BYTES, 5)),
        new AppData(ME, Long.MAX_VALUE, bytes(Limits.MAX_APP_DATA_BYTES, 6)),
        new Publish(wideTopic, bytes(32, 5), Long.MAX_VALUE, bytes(Limits.MAX_PUBLISH_PAYLOAD_BYTES, 6),
            bytes(64, 7)),
        new IHave(wideTopic, ids, java.util.Collections.nCopies(ids.size(), Limits.MAX_HELD_MILLIS)),
        new IWant(ids),
        new Rejected(Rejected.Reason.INTERNAL, "d".repeat(Limits.MAX_DETAIL_CHARS)),
        new Subscribe(topic));
  }
}
