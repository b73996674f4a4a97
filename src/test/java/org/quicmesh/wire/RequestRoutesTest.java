package org.quicmesh.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Every request sample takes the route of its family, and the families split the requests as the protocol does. */
class RequestRoutesTest {
  private static final RequestRoutes<String> FAMILY = new RequestRoutes<>() {
    @Override
    public String dht(DhtRequest request) {
      return "dht";
    }

    @Override
    public String nat(NatRequest request) {
      return "nat";
    }

    @Override
    public String app(AppRequest request) {
      return "app";
    }
  };

  @Test
  void eachRequestTakesTheRouteOfItsFamily() {
    Map<String, String> routes = new TreeMap<>();
    for (Message message : MessageSamples.typical()) {
      if (message instanceof Request request) {
        routes.put(request.getClass().getSimpleName(), request.route(FAMILY));
      }
    }
    assertEquals(Map.ofEntries(
        Map.entry("FindNode", "dht"), Map.entry("FindValue", "dht"), Map.entry("Ping", "dht"), Map.entry("Store", "dht"),
        Map.entry("DialBack", "nat"), Map.entry("DialBackRelay", "nat"),
        Map.entry("HolePunchRegister", "nat"), Map.entry("HolePunchStart", "nat"), Map.entry("PathProbe", "nat"),
        Map.entry("ReachMe", "nat"), Map.entry("RelayClose", "nat"), Map.entry("RelayConnect", "nat"),
        Map.entry("RelayForward", "nat"), Map.entry("RelayReserve", "nat"), Map.entry("RelayIncoming", "nat"),
        Map.entry("WhatIsMyAddr", "nat"), Map.entry("AppData", "app")), routes);
  }
}
