package org.quicmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code quicmesh node --metrics}: a Prometheus scrape over HTTP on 127.0.0.1 whose meters move under traffic. */
@Tag("integration")
class MetricsEndpointIT {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void aScrapeShowsTheDocumentedMetersMovingWhenTrafficFlows() throws Exception {
    try (NodeProcess a = new NodeProcess("--listen", "127.0.0.1:0", "--control", "stdio",
        "--metrics", "127.0.0.1:0")) {
      JsonNode ready = a.next();
      String url = ready.get("metrics").asText();
      assertTrue(url.startsWith("http://127.0.0.1:") && url.endsWith("/metrics"), url);
      String node = ready.get("node").asText().substring(0, 16);

      HttpResponse<String> first = scrape(url);
      assertEquals(200, first.statusCode());
      assertTrue(first.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), first.headers()
          .toString());
      String received = "quicmesh_transport_requests_received_total{node=\"" + node + "\"}";
      assertTrue(first.body().contains(received), first.body());
      double before = value(first.body(), received);

      try (NodeProcess b = new NodeProcess("--listen", "127.0.0.1:0", "--bootstrap", ready.get("addr").asText(),
          "--control", "stdio")) {
        String bNode = b.next().get("node").asText();
        // B has joined through A once A is in its table (a loaded machine may take a while).
        JsonNode status = b.call("s", "{\"id\":\"s\",\"op\":\"status\"}");
        for (int poll = 0; poll < 300 && status.get("result").get("peers").asInt() < 1; poll++) {
          Thread.sleep(100);
          status = b.call("s" + poll, "{\"id\":\"s" + poll + "\",\"op\":\"status\"}");
        }
        int answered = 0;
        for (int i = 0; i < 10 && answered < 5; i++) {
          JsonNode pong = b.call("p" + i, "{\"id\":\"p" + i + "\",\"op\":\"ping\",\"addr\":\""
              + ready.get("addr").asText() + "\"}");
          answered += pong.get("ok").asBoolean() ? 1 : 0;
        }
        assertEquals(5, answered, "pings from B to A");
        JsonNode located = a.call("l", "{\"id\":\"l\",\"op\":\"ping\",\"node\":\"" + bNode + "\"}");
        assertTrue(located.get("ok").asBoolean(), located.toString());

        // Counters read the snapshot the node refreshes every metrics.refresh-interval (5 s by default).
        String body = scrape(url).body();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (value(body, received) < before + 5 && System.nanoTime() < deadline) {
          Thread.sleep(250);
          body = scrape(url).body();
        }
        assertTrue(value(body, received) >= before + 5, body);
        assertTrue(value(body, "quicmesh_transport_received_bytes_total{node=\"" + node + "\"}") > 0, body);
        assertEquals(1, value(body, "quicmesh_dht_table_contacts{node=\"" + node + "\"}"), body);
        assertTrue(value(body, "quicmesh_dht_rpc_rtt_seconds_count{node=\"" + node + "\"}") > 0, body);
        assertTrue(body.contains("quicmesh_dht_rpc_rtt_seconds_bucket{node=\"" + node + "\",le="), body);
        assertTrue(body.contains("quicmesh_dht_events_total{event=\"in.find_node\",node=\"" + node + "\"}")
            || body.contains("quicmesh_dht_events_total{event=\"lookups.started\",node=\"" + node + "\"}"), body);
      }
      assertTrue(a.call("bye", "{\"id\":\"bye\",\"op\":\"shutdown\"}").get("ok").asBoolean());
    }
  }

  private static HttpResponse<String> scrape(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The sample value of the series named exactly {@code series} (name and labels), or -1 when absent. */
  private static double value(String exposition, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(exposition);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }
}
