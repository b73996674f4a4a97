package org.quicmesh.wire;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** Every protocol message. The CBOR type tag is the short name in {@link JsonSubTypes}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "t")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Ping.class, name = "Ping"),
    @JsonSubTypes.Type(value = Ack.class, name = "Ack"),
})
public sealed interface Message permits Request, Response {}
