package org.quicmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.AddressKind;
import org.quicmesh.identity.EndpointRecord;
import org.quicmesh.identity.RelayService;
import org.quicmesh.identity.TestKeys;

/** How `publish_address` and `resolve` print an endpoint record's relay service. */
class JsonRecordTest {
  private static EndpointRecord record(RelayService service) {
    return EndpointRecord.sign(TestKeys.fixed(3), List.of("203.0.113.5:4433"), List.of(AddressKind.HOST), List.of(),
        service, 1, 1_800_000_000_000L);
  }

  @Test
  void aRelaysRecordShowsAcceptingLoadAndCapabilities() {
    JsonNode service = Json.record(record(new RelayService(true, 250, RelayService.CURRENT))).get("relay_service");
    assertEquals(true, service.get("accepting").asBoolean());
    assertEquals(250, service.get("load_permille").asInt());
    assertEquals(List.of("hole-punch/1", "relay/1"),
        List.of(service.get("capabilities").get(0).asText(), service.get("capabilities").get(1).asText()));
  }

  @Test
  void aServiceFromBeforeCapabilitiesShowsAnEmptyListAndANonRelayNone() {
    assertEquals(0, Json.record(record(new RelayService(false, 1000))).get("relay_service").get("capabilities").size());
    assertFalse(Json.record(record(null)).has("relay_service"));
  }
}
