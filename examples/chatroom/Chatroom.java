import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Sink;
import org.quicmesh.identity.Keypair;
import org.quicmesh.identity.NodeId;
import org.quicmesh.actor.Failures;
import org.quicmesh.node.MeshConfig;
import org.quicmesh.node.NodeEnvironment;
import org.quicmesh.node.NodeStatus;
import org.quicmesh.node.Quicmesh;
import org.quicmesh.node.Transports;
import org.quicmesh.pubsub.ReceivedMessage;
import org.quicmesh.wire.Contact.Addresses;

/**
 * A chatroom over Quicmesh GossipSub: every line typed on stdin is published to topic {@code chat/ROOM}, every
 * message published there by others is printed as {@code [name] text}. Run it as a single-file program against the
 * jar (Java 11+ source launcher):
 *
 * <pre>
 *   java -cp target/quicmesh.jar examples/chatroom/Chatroom.java --name ann --room lobby --port 7001
 *   java -cp target/quicmesh.jar examples/chatroom/Chatroom.java --name bob --room lobby --peer 127.0.0.1:7001
 * </pre>
 *
 * <p>Messages are UTF-8 JSON {@code {"name":..., "text":...}}, signed by the sender's node key; the node id printed on
 * start is that key's hash. Type {@code /quit} (or end the input) to leave.
 */
public final class Chatroom {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String USAGE = "usage: Chatroom --name NAME --room ROOM [--port PORT] [--host IP] "
      + "[--peer HOST:PORT ...] [--identity FILE]";

  /** Command-line options; parsed by hand so the example needs nothing beyond the quicmesh jar. */
  record Options(String name, String room, String host, int port, List<InetSocketAddress> peers, Path identity) {
    static Options parse(String[] args) {
      String name = null;
      String room = null;
      String host = "127.0.0.1";
      int port = 0;
      List<InetSocketAddress> peers = new ArrayList<>();
      Path identity = null;
      for (int i = 0; i < args.length; i++) {
        String flag = args[i];
        if (flag.equals("--help") || flag.equals("-h")) {
          throw new IllegalArgumentException("");
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(flag + " needs a value");
        }
        String value = args[++i];
        switch (flag) {
          case "--name" -> name = value;
          case "--room" -> room = value;
          case "--host" -> host = value;
          case "--port" -> port = parsePort(value);
          case "--peer" -> peers.add(Addresses.parse(value));
          case "--identity" -> identity = Path.of(value);
          default -> throw new IllegalArgumentException("unknown option " + flag);
        }
      }
      if (name == null || name.isBlank() || room == null || room.isBlank()) {
        throw new IllegalArgumentException("--name and --room are required");
      }
      return new Options(name.strip(), room.strip(), host, port, peers, identity);
    }

    private static int parsePort(String value) {
      try {
        int port = Integer.parseInt(value);
        if (port >= 0 && port <= 65535) {
          return port;
        }
      } catch (NumberFormatException ignored) {
        // reported below
      }
      throw new IllegalArgumentException("--port must be 0..65535, got '" + value + "'");
    }
  }

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      if (!e.getMessage().isEmpty()) {
        System.err.println(e.getMessage());
      }
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    // Node logs go to stderr; keep them to warnings so they do not drown the conversation.
    if (System.getenv("QUICMESH_LOG_LEVEL") == null && System.getProperty("QUICMESH_LOG_LEVEL") == null) {
      System.setProperty("QUICMESH_LOG_LEVEL", "WARN");
    }
    System.exit(run(options));
  }

  private static int run(Options options) throws Exception {
    PrintStream out = System.out;
    MeshConfig config = MeshConfig.load().withListen(Addresses.parse(options.host() + ":" + options.port()));
    if (!options.peers().isEmpty()) {
      config = config.withBootstrap(options.peers());
    }
    Keypair keypair = options.identity() == null ? Keypair.generate() : Keypair.loadOrCreate(options.identity());
    String topic = "chat/" + options.room();
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "chatroom");
    Quicmesh mesh = null;
    try {
      mesh = Quicmesh.start(system, "node", config, keypair, Transports.quic(), NodeEnvironment.system())
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      NodeStatus status = mesh.status().toCompletableFuture().get(10, TimeUnit.SECONDS);
      out.printf("%s joined room '%s' (topic %s): listening on %s as node %s%n", options.name(), options.room(),
          topic, Addresses.format(status.listen().get(0)), status.nodeId().toHex());
      out.println("type a message and press enter; /quit leaves");
      out.flush();

      // The node sends nothing back to its own subscribers, so every message printed here came from someone else.
      mesh.subscribe(topic).runWith(Sink.foreach(message -> print(out, message)), system);

      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null) {
        String text = line.strip();
        if (text.equals("/quit")) {
          break;
        }
        if (!text.isEmpty()) {
          send(mesh, topic, options.name(), text, out);
        }
      }
      out.println("bye");
      return 0;
    } finally {
      if (mesh != null) {
        mesh.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** Publishes one line; with nobody in the room yet the node refuses (nothing is lost silently), so we say so. */
  private static void send(Quicmesh mesh, String topic, String name, String text, PrintStream out) {
    ObjectNode payload = JSON.createObjectNode().put("name", name).put("text", text);
    try {
      mesh.publish(topic, JSON.writeValueAsBytes(payload)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      String reason = Failures.message(e);
      out.println(reason.contains("no peer")
          ? "* nobody else is in the room yet (or the mesh is still forming): message not sent, try again shortly"
          : "* message not sent: " + reason);
    }
  }

  /** {@code [name] text}; a payload that is not our JSON is shown raw, attributed to the sender's node id. */
  private static void print(PrintStream out, ReceivedMessage message) {
    String raw = new String(message.data(), StandardCharsets.UTF_8);
    String line;
    try {
      JsonNode json = JSON.readTree(raw);
      line = json != null && json.path("text").isTextual()
          ? "[" + clean(json.path("name").asText("?")) + "] " + clean(json.path("text").asText())
          : fallback(message.origin(), raw);
    } catch (Exception notJson) {
      line = fallback(message.origin(), raw);
    }
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }

  /** Accepts the plain {@code name: text} form too, else shows the text under the sender's short node id. */
  private static String fallback(NodeId origin, String raw) {
    int colon = raw.indexOf(": ");
    return colon > 0 && colon <= 40 ? "[" + clean(raw.substring(0, colon)) + "] " + clean(raw.substring(colon + 2))
        : "[" + origin.shortHex() + "] " + clean(raw);
  }

  /** Strips control characters so a peer cannot move the cursor or clear the screen with escape sequences. */
  private static String clean(String text) {
    return text.codePoints().filter(c -> !Character.isISOControl(c))
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
  }
}
