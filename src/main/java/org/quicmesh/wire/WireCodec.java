package org.quicmesh.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.IOException;
import org.quicmesh.identity.NodeId;

/** CBOR encoding of {@link Message}s. Thread-safe. Any failure to decode becomes a {@link WireFormatException}. */
public final class WireCodec {
  /** Largest encoded message accepted. */
  public static final int MAX_MESSAGE_BYTES = 256 * 1024;

  private static final CBORMapper MAPPER = CBORMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .addModule(new SimpleModule("quicmesh-ids")
          .addSerializer(NodeId.class, new JsonSerializer<>() {
            @Override
            public void serialize(NodeId id, JsonGenerator gen, SerializerProvider p) throws IOException {
              gen.writeBinary(id.toBytes());
            }
          })
          .addDeserializer(NodeId.class, new JsonDeserializer<>() {
            @Override
            public NodeId deserialize(JsonParser parser, DeserializationContext ctx) throws IOException {
              return NodeId.of(parser.getBinaryValue());
            }
          }))
      .build();

  private WireCodec() {}

  public static byte[] encode(Message message) {
    try {
      return MAPPER.writerFor(Message.class).writeValueAsBytes(message);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode " + message.getClass().getSimpleName(), e);
    }
  }

  public static Message decode(byte[] bytes) throws WireFormatException {
    if (bytes.length > MAX_MESSAGE_BYTES) {
      throw new WireFormatException("message of " + bytes.length + " bytes exceeds " + MAX_MESSAGE_BYTES);
    }
    try {
      Message message = MAPPER.readValue(bytes, Message.class);
      if (message == null) {
        throw new WireFormatException("empty message");
      }
      return message;
    } catch (WireFormatException e) {
      throw e;
    } catch (Exception | StackOverflowError e) {
      // Jackson fails with many exception types (including NPE from type-id lookup), and record constructors
      // reject invalid fields with IllegalArgumentException: all of it is malformed input.
      throw new WireFormatException("malformed message: " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }
}
