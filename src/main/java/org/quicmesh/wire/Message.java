package org.quicmesh.wire;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * Every protocol message, by family: a {@link Request} opening an RPC ({@link DhtRequest} or {@link NatRequest}), the
 * {@link Response} answering it, or a {@link GossipMessage} on a long-lived pub/sub stream. The family interfaces are
 * Java types only; they add nothing to the encoding. The CBOR type tag (property {@code "t"}) is the short name in
 * {@link JsonSubTypes}; these names are part of the protocol and never change.
 *
 * <p>Every record validates its fields in its compact constructor (non-null, exact id and key sizes, bounded lists,
 * texts and byte arrays; see {@link Limits}), so a decoded message is always well-formed.
 *
 * <p>Byte arrays are not copied, neither on construction nor by accessors: messages are short-lived carriers and values
 * or payloads of up to 64 KiB would be copied at every hop. Treat every array in a message as immutable once it is
 * constructed. Lists are immutable copies.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "t")
@JsonSubTypes({
    // DHT
    @JsonSubTypes.Type(value = Ping.class, name = "Ping"),
    @JsonSubTypes.Type(value = FindNode.class, name = "FindNode"),
    @JsonSubTypes.Type(value = FindValue.class, name = "FindValue"),
    @JsonSubTypes.Type(value = Store.class, name = "Store"),
    @JsonSubTypes.Type(value = Ack.class, name = "Ack"),
    @JsonSubTypes.Type(value = Nodes.class, name = "Nodes"),
    @JsonSubTypes.Type(value = Value.class, name = "Value"),
    @JsonSubTypes.Type(value = Rejected.class, name = "Rejected"),
    // NAT traversal
    @JsonSubTypes.Type(value = WhatIsMyAddr.class, name = "WhatIsMyAddr"),
    @JsonSubTypes.Type(value = YourAddr.class, name = "YourAddr"),
    @JsonSubTypes.Type(value = DialBack.class, name = "DialBack"),
    @JsonSubTypes.Type(value = DialBackRelay.class, name = "DialBackRelay"),
    @JsonSubTypes.Type(value = DialBackSent.class, name = "DialBackSent"),
    @JsonSubTypes.Type(value = RelayConnect.class, name = "RelayConnect"),
    @JsonSubTypes.Type(value = RelayReserve.class, name = "RelayReserve"),
    @JsonSubTypes.Type(value = RelayReserved.class, name = "RelayReserved"),
    @JsonSubTypes.Type(value = RelayIncoming.class, name = "RelayIncoming"),
    @JsonSubTypes.Type(value = RelayConnected.class, name = "RelayConnected"),
    @JsonSubTypes.Type(value = RelayForward.class, name = "RelayForward"),
    @JsonSubTypes.Type(value = RelayForwarded.class, name = "RelayForwarded"),
    @JsonSubTypes.Type(value = RelayClose.class, name = "RelayClose"),
    @JsonSubTypes.Type(value = RelayClosed.class, name = "RelayClosed"),
    @JsonSubTypes.Type(value = HolePunchRegister.class, name = "HolePunchRegister"),
    @JsonSubTypes.Type(value = HolePunchStart.class, name = "HolePunchStart"),
    @JsonSubTypes.Type(value = HolePunchWaiting.class, name = "HolePunchWaiting"),
    @JsonSubTypes.Type(value = HolePunchReady.class, name = "HolePunchReady"),
    @JsonSubTypes.Type(value = HolePunchFailed.class, name = "HolePunchFailed"),
    @JsonSubTypes.Type(value = PathProbe.class, name = "PathProbe"),
    @JsonSubTypes.Type(value = PathReply.class, name = "PathReply"),
    @JsonSubTypes.Type(value = ReachMe.class, name = "ReachMe"),
    // Application data over a connection
    @JsonSubTypes.Type(value = AppData.class, name = "AppData"),
    // GossipSub
    @JsonSubTypes.Type(value = Subscribe.class, name = "Subscribe"),
    @JsonSubTypes.Type(value = Unsubscribe.class, name = "Unsubscribe"),
    @JsonSubTypes.Type(value = Graft.class, name = "Graft"),
    @JsonSubTypes.Type(value = Prune.class, name = "Prune"),
    @JsonSubTypes.Type(value = Publish.class, name = "Publish"),
    @JsonSubTypes.Type(value = IHave.class, name = "IHave"),
    @JsonSubTypes.Type(value = IWant.class, name = "IWant"),
    @JsonSubTypes.Type(value = Choke.class, name = "Choke"),
    @JsonSubTypes.Type(value = Unchoke.class, name = "Unchoke"),
})
public sealed interface Message permits Request, Response, GossipMessage {}
