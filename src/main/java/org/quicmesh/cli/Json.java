package org.quicmesh.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetSocketAddress;
import java.util.List;
import org.quicmesh.dht.PeerInfo;
import org.quicmesh.dht.PutResult;
import org.quicmesh.identity.EndpointRecord;
import org.quicmesh.nat.NatClassification;
import org.quicmesh.node.NodeStatus;
import org.quicmesh.pubsub.ReceivedMessage;
import org.quicmesh.node.Pong;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Contact.Addresses;

/**
 * The CLI's JSON conventions: snake_case fields, ids as lowercase hex, addresses as "host:port", durations in
 * milliseconds as {@code *_ms} numbers.
 */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static ArrayNode addresses(List<InetSocketAddress> addresses) {
    ArrayNode array = MAPPER.createArrayNode();
    addresses.forEach(a -> array.add(Addresses.format(a)));
    return array;
  }

  static double millis(java.time.Duration duration) {
    return duration.toNanos() / 1_000_000.0;
  }

  static ObjectNode status(NodeStatus status) {
    ObjectNode node = object();
    node.put("node_id", status.nodeId().toHex());
    node.set("listen", addresses(status.listen()));
    node.set("observed", addresses(status.observed()));
    node.put("peers", status.peers().size());
    node.put("nat", status.nat().map(n -> n.type().name().toLowerCase(java.util.Locale.ROOT)).orElse("unknown"));
    node.set("mapped", addresses(status.nat().map(NatClassification::mapped).orElse(List.of())));
    node.set("telemetry", MAPPER.valueToTree(status.telemetry()));
    return node;
  }

  static ObjectNode pong(Pong pong) {
    ObjectNode node = object();
    node.put("node", pong.peer().toHex());
    node.put("addr", Addresses.format(pong.address()));
    node.put("rtt_ms", millis(pong.rtt()));
    return node;
  }

  static ArrayNode contacts(List<Contact> contacts) {
    ArrayNode array = MAPPER.createArrayNode();
    for (Contact c : contacts) {
      array.addObject().put("node", c.id().toHex()).put("addr", c.address());
    }
    return array;
  }

  static ObjectNode peers(List<PeerInfo> peers) {
    ArrayNode array = MAPPER.createArrayNode();
    for (PeerInfo p : peers) {
      ObjectNode peer = array.addObject().put("node", p.contact().id().toHex()).put("addr", p.contact().address())
          .put("tier", p.tier());
      if (p.rttMs().isPresent()) {
        peer.put("rtt_ms", p.rttMs().getAsDouble());
      } else {
        peer.putNull("rtt_ms");
      }
    }
    ObjectNode result = object();
    result.set("peers", array);
    return result;
  }

  static ObjectNode put(PutResult put) {
    return object().put("key", put.key().toHex()).put("replicas", put.replicas()).put("attempted", put.attempted())
        .put("local_only", put.localOnly());
  }

  static ObjectNode record(EndpointRecord record) {
    ObjectNode node = object().put("node", record.nodeId().toHex());
    ArrayNode addrs = node.putArray("addrs");
    record.addresses().forEach(addrs::add);
    ArrayNode kinds = node.putArray("kinds"); // one per address; empty for a format 1 record
    record.kinds().forEach(k -> kinds.add(k.name().toLowerCase(java.util.Locale.ROOT)));
    ArrayNode relays = node.putArray("relays");
    record.relays().forEach(relays::add);
    record.advertisedRelayService().ifPresent(service -> {
      ObjectNode relayService = node.putObject("relay_service")
          .put("accepting", service.accepting()).put("load_permille", service.loadPermille());
      ArrayNode capabilities = relayService.putArray("capabilities");
      service.capabilities().forEach(capabilities::add);
    });
    node.put("seq", record.sequence());
    node.put("expires_ms", record.expiresAt());
    return node;
  }

  /** {@code {type, mapping, filtering, mapped, local, evidence: {mappings: [{observer, mapped}], filtering: [{from, arrived, via, sender?}]}}} */
  static ObjectNode nat(NatClassification nat) {
    ObjectNode node = object().put("type", nat.type().name().toLowerCase(java.util.Locale.ROOT))
        .put("mapping", nat.mapping().name().toLowerCase(java.util.Locale.ROOT))
        .put("filtering", nat.filtering().name().toLowerCase(java.util.Locale.ROOT));
    node.set("mapped", addresses(nat.mapped()));
    node.set("local", addresses(nat.evidence().local()));
    ObjectNode evidence = node.putObject("evidence");
    ArrayNode mappings = evidence.putArray("mappings");
    nat.evidence().mappings().forEach(o -> mappings.addObject()
        .put("observer", Addresses.format(o.observer())).put("mapped", Addresses.format(o.mapped())));
    ArrayNode filtering = evidence.putArray("filtering");
    nat.evidence().filtering().forEach(p -> {
      ObjectNode probe = filtering.addObject()
          .put("from", p.source().name().toLowerCase(java.util.Locale.ROOT)).put("arrived", p.arrived())
          .put("via", p.via().name().toLowerCase(java.util.Locale.ROOT));
      p.sender().ifPresent(sender -> probe.put("sender", Addresses.format(sender)));
    });
    return node;
  }

  /** {@code {node, path: "direct"|"relayed", remote, rtt_ms, relay?, path_changes, paths: [{path, via, rtt_ms, loss, alive}]}} */
  static ObjectNode connection(org.quicmesh.connect.ConnectionInfo info) {
    ObjectNode node = object().put("node", info.peer().toHex()).put("path", info.path())
        .put("remote", Addresses.format(info.remote()));
    roundedOrNull(node, "rtt_ms", info.rttMs());
    if (info.relay() != null) {
      node.put("relay", info.relay().toHex());
    }
    node.put("path_changes", info.pathChanges());
    var paths = node.putArray("paths");
    for (org.quicmesh.connect.PathStats stats : info.paths()) {
      ObjectNode path = paths.addObject().put("path", stats.kind()).put("via", Addresses.format(stats.via()));
      roundedOrNull(path, "rtt_ms", stats.rttMs());
      path.put("loss", Math.round(stats.loss() * 1000) / 1000.0).put("alive", stats.alive());
    }
    return node;
  }

  private static void roundedOrNull(ObjectNode node, String field, double value) {
    if (Double.isNaN(value)) {
      node.putNull(field);
    } else {
      node.put(field, Math.round(value * 10) / 10.0);
    }
  }

  /** A connection event line: {@code {"event":"path",...}} or {@code {"event":"data","from","seq","data"}}. */
  static ObjectNode connectionEvent(org.quicmesh.connect.ConnectionEvent event) {
    if (event instanceof org.quicmesh.connect.ConnectionEvent.PathChanged changed) {
      ObjectNode node = object().put("event", "path");
      node.setAll(connection(changed.connection()));
      return node;
    }
    org.quicmesh.connect.ConnectionEvent.DataReceived data = (org.quicmesh.connect.ConnectionEvent.DataReceived) event;
    return object().put("event", "data").put("from", data.from().toHex()).put("seq", data.seq())
        .put("data", java.util.Base64.getEncoder().encodeToString(data.data()));
  }

  static ObjectNode message(ReceivedMessage message) {
    return object().put("event", "message").put("topic", message.topic()).put("from", message.origin().toHex())
        .put("id", message.id().toHex()).put("data", java.util.Base64.getEncoder().encodeToString(message.data()));
  }

  static String line(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
