package org.quicmesh.natlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicmesh.cli.NodeProcess;
import org.quicmesh.cli.lab.NatLab;

/**
 * Real Linux NAT: a node behind each kind of router classifies its NAT against a two-address quicmesh node; coturn's
 * STUN client behind each kind of router asks a quicmesh node on the lab's internet, on the
 * node's QUIC port, where it is seen; and coturn's RFC 5780 tool, run against coturn's own two-address server, confirms
 * that each router behaves as its name says (the lab's self-check, so a broken recipe cannot pass silently).
 */
@Tag("natlab")
@Timeout(300)
class ReachabilityLabTest {
  private static final Pattern REFLEXIVE = Pattern.compile("UDP reflexive addr: ([0-9.]+):(\\d+)");
  private static final Map<String, String[]> EXPECTED_BEHAVIOUR = Map.of(
      "h-none", new String[] {"Endpoint Independent Mapping", "Endpoint Independent Filtering"},
      "h-full", new String[] {"Endpoint Independent Mapping", "Endpoint Independent Filtering"},
      "h-restricted", new String[] {"Endpoint Independent Mapping", "Address Dependent Filtering"},
      "h-port", new String[] {"Endpoint Independent Mapping", "Address and Port Dependent Filtering"},
      "h-symmetric", new String[] {"Address and Port Dependent Mapping", "Address and Port Dependent Filtering"});

  private static NatLab lab;

  @BeforeAll
  static void buildLab() throws Exception {
    LabAssumptions.assumeLabAvailable();
    LabAssumptions.assumeTool("/usr/bin/turnutils_stunclient", "coturn");
    lab = NatLab.up();
  }

  @AfterAll
  static void removeLab() {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void behindEveryNatCoturnsClientLearnsTheRoutersPublicAddressFromOurNodesPort() throws Exception {
    String pub = lab.addr("pub");
    try (NodeProcess node = NodeProcess.inNamespace(lab.namespace("pub"),
        "--listen", pub + ":4000", "--control", "stdio")) {
      JsonNode ready = node.next();
      assertEquals("ready", ready.get("event").asText(), ready.toString());
      for (String host : NatLab.NAT_HOSTS) {
        String output = lab.exec(host, "turnutils_stunclient", "-p", "4000", pub);
        Matcher m = REFLEXIVE.matcher(output);
        assertTrue(m.find(), host + ": no reflexive address in " + output);
        assertEquals(lab.publicAddr(host), m.group(1), host + " is seen at its router's public address: " + output);
      }
    }
  }

  @Test
  void eachRouterBehavesAsItsNameSaysAccordingToCoturn() throws Exception {
    String ip1 = lab.addr("pub2");
    Process server = new ProcessBuilder("ip", "netns", "exec", lab.namespace("pub2"), "turnserver", "-n",
        "--listening-ip", ip1, "--listening-ip", "203.0.113.13", "--listening-port", "3478",
        "--no-tls", "--no-dtls", "--no-cli", "--log-file", "stdout").redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      Thread.sleep(1500); // turnserver binds its four sockets
      assertEveryRouterClassifiedAsNamed(ip1, 3478);
    } finally {
      server.destroyForcibly();
    }
  }

  @Test
  void coturnsRfc5780ToolClassifiesEveryRouterAgainstOurTwoAddressNodeAsAgainstCoturn() throws Exception {
    try (NodeProcess node = NodeProcess.inNamespace(lab.namespace("pub"),
        "--listen", "203.0.113.10:4000", "--listen", "203.0.113.11:4000", "--control", "stdio")) {
      assertEquals("ready", node.next().get("event").asText());
      Thread.sleep(500); // the alternate sockets open just after the node is ready
      assertEveryRouterClassifiedAsNamed("203.0.113.10", 4000);
    }
  }

  @Test
  void aNodeBehindEachRouterDetectsTheRoutersBehaviour() throws Exception {
    Map<String, String> expected = Map.of("h-none", "none", "h-full", "full_cone", "h-restricted", "restricted_cone",
        "h-port", "port_restricted_cone", "h-symmetric", "symmetric");
    try (NodeProcess observer = NodeProcess.inNamespace(lab.namespace("pub"),
        "--listen", "203.0.113.10:4000", "--listen", "203.0.113.11:4000", "--control", "stdio")) {
      assertEquals("ready", observer.next().get("event").asText());
      Map<String, NodeProcess> nodes = new java.util.LinkedHashMap<>();
      try {
        for (String host : NatLab.NAT_HOSTS) { // all at once: the JVMs start in parallel
          nodes.put(host, NodeProcess.inNamespace(lab.namespace(host),
              "--listen", lab.addr(host) + ":4000", "--stun", "203.0.113.10:4000", "--control", "stdio"));
        }
        for (var entry : nodes.entrySet()) {
          String host = entry.getKey();
          NodeProcess node = entry.getValue();
          assertEquals("ready", node.next().get("event").asText());
          JsonNode nat = node.call("n", "{\"id\":\"n\",\"op\":\"nat\"}");
          assertTrue(nat.get("ok").asBoolean(), host + ": " + nat);
          assertEquals(expected.get(host), nat.get("result").get("type").asText(), host + ": " + nat);
          JsonNode status = node.call("s", "{\"id\":\"s\",\"op\":\"status\"}").get("result");
          assertEquals(expected.get(host), status.get("nat").asText(), host + " status: " + status);
          assertTrue(status.get("telemetry").get("nat").get("detector").get("stun.transactions").asLong() >= 1,
              host + " telemetry: " + status.get("telemetry").get("nat"));
          if (!host.equals("h-none")) {
            assertTrue(nat.get("result").get("mapped").get(0).asText().startsWith(lab.publicAddr(host) + ":"),
                host + " is mapped to its router's public address: " + nat);
          }
        }
      } finally {
        nodes.values().forEach(NodeProcess::close);
      }
    }
  }

  private static void assertEveryRouterClassifiedAsNamed(String server, int port) throws Exception {
    for (String host : NatLab.NAT_HOSTS) {
      String output = lab.exec(host, "turnutils_natdiscovery", "-m", "-f", "-p", String.valueOf(port), server);
      for (String behaviour : EXPECTED_BEHAVIOUR.get(host)) {
        assertTrue(output.contains(behaviour), host + " should show " + behaviour + ":\n" + output);
      }
    }
  }
}
