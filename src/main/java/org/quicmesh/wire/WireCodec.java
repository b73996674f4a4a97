package org.quicmesh.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.IOException;
import org.quicmesh.identity.NodeId;

/**
 * CBOR encoding of one {@link Message} (a frame body; see {@link Frames} for the length prefix). Thread-safe.
 *
 * <p>Decoding is strict: unknown properties, missing or null fields, duplicate keys, scalar coercions (a string for a
 * number, a float for an integer) and trailing data are all refused, and every record validates its fields. The parser
 * is bounded ({@link Limits#MAX_NESTING_DEPTH}, {@link Limits#MAX_TEXT_CHARS}, {@link Limits#MAX_TOKENS}, document
 * length {@link Limits#MAX_FRAME_BYTES}), so a hostile declared length or deep nesting never allocates much. Every
 * failure, whatever Jackson or a constructor throws, surfaces as one {@link WireFormatException}.
 */
public final class WireCodec {
  /** Largest encoded message accepted; same as {@link Limits#MAX_FRAME_BYTES}. */
  public static final int MAX_MESSAGE_BYTES = Limits.MAX_FRAME_BYTES;

  private static final CBORMapper MAPPER = buildMapper();
  private static final ObjectWriter WRITER = MAPPER.writerFor(Message.class);
  private static final ObjectReader READER = MAPPER.readerFor(Message.class);

  private WireCodec() {}

  private static CBORMapper buildMapper() {
    StreamReadConstraints constraints = StreamReadConstraints.builder()
        .maxNestingDepth(Limits.MAX_NESTING_DEPTH)
        .maxDocumentLength(Limits.MAX_FRAME_BYTES)
        .maxStringLength(Limits.MAX_TEXT_CHARS)
        .maxNameLength(Limits.MAX_TEXT_CHARS)
        .maxNumberLength(64)
        .maxTokenCount(Limits.MAX_TOKENS)
        .build();
    CBORFactory factory = CBORFactory.builder()
        .streamReadConstraints(constraints)
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        // A peer's bytes never go into error messages (logs); it also spares a content reference per decode.
        .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
        .build();
    return CBORMapper.builder(factory)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .addModule(new SimpleModule("quicmesh-ids")
            .addSerializer(NodeId.class, new NodeIdSerializer())
            .addDeserializer(NodeId.class, new NodeIdDeserializer())
            .addDeserializer(byte[].class, new BinaryDeserializer()))
        .build();
  }

  /** Encodes a message as CBOR. Never fails for a constructed message (records are valid by construction). */
  public static byte[] encode(Message message) {
    try {
      return WRITER.writeValueAsBytes(message);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode " + message.getClass().getSimpleName(), e);
    }
  }

  /** Decodes one message from all of {@code bytes}. */
  public static Message decode(byte[] bytes) throws WireFormatException {
    return decode(bytes, 0, bytes.length);
  }

  /** Decodes one message from {@code bytes[offset, offset + length)}; nothing else may follow it. */
  public static Message decode(byte[] bytes, int offset, int length) throws WireFormatException {
    if (length > MAX_MESSAGE_BYTES) {
      throw new WireFormatException("message of " + length + " bytes exceeds " + MAX_MESSAGE_BYTES);
    }
    if (length == 0) {
      throw new WireFormatException("empty message");
    }
    try {
      Message message = READER.readValue(bytes, offset, length);
      if (message == null) {
        throw new WireFormatException("null message");
      }
      return message;
    } catch (WireFormatException e) {
      throw e;
    } catch (Exception | StackOverflowError e) {
      // Jackson fails with many exception types (including NPE from type-id lookup), and record constructors
      // reject invalid fields with NullPointerException/IllegalArgumentException: all of it is malformed input.
      throw new WireFormatException("malformed message: " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /** Decodes one message and requires it to be an {@code expected} (e.g. {@link Request} on an RPC stream). */
  public static <T extends Message> T decode(byte[] bytes, Class<T> expected) throws WireFormatException {
    Message message = decode(bytes);
    if (!expected.isInstance(message)) {
      throw new WireFormatException("expected " + expected.getSimpleName() + ", got "
          + message.getClass().getSimpleName());
    }
    return expected.cast(message);
  }

  /** NodeIds travel as a 32-byte CBOR byte string, not as an object. */
  private static final class NodeIdSerializer extends JsonSerializer<NodeId> {
    @Override
    public void serialize(NodeId id, JsonGenerator gen, SerializerProvider provider) throws IOException {
      gen.writeBinary(id.toBytes());
    }
  }

  private static final class NodeIdDeserializer extends JsonDeserializer<NodeId> {
    @Override
    public NodeId deserialize(JsonParser parser, DeserializationContext ctx) throws IOException {
      if (parser.currentToken() != JsonToken.VALUE_EMBEDDED_OBJECT) {
        // Only a CBOR byte string is an id (no base64 text, no arrays of numbers).
        return (NodeId) ctx.handleUnexpectedToken(NodeId.class, parser);
      }
      return NodeId.of(parser.getBinaryValue());
    }
  }

  /** Byte fields accept only a CBOR byte string (Jackson would also take base64 text or an array of numbers). */
  private static final class BinaryDeserializer extends JsonDeserializer<byte[]> {
    @Override
    public byte[] deserialize(JsonParser parser, DeserializationContext ctx) throws IOException {
      if (parser.currentToken() != JsonToken.VALUE_EMBEDDED_OBJECT) {
        return (byte[]) ctx.handleUnexpectedToken(byte[].class, parser);
      }
      return parser.getBinaryValue();
    }
  }
}
