package org.quicmesh.nat.stun;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.quicmesh.nat.stun.StunAttribute.ChangeRequest;
import org.quicmesh.nat.stun.StunAttribute.ErrorCode;
import org.quicmesh.nat.stun.StunAttribute.MappedAddress;
import org.quicmesh.nat.stun.StunAttribute.OtherAddress;
import org.quicmesh.nat.stun.StunAttribute.ResponseOrigin;
import org.quicmesh.nat.stun.StunAttribute.ResponsePort;
import org.quicmesh.nat.stun.StunAttribute.Software;
import org.quicmesh.nat.stun.StunAttribute.Unknown;
import org.quicmesh.nat.stun.StunAttribute.UnknownAttributes;
import org.quicmesh.nat.stun.StunAttribute.XorMappedAddress;

/**
 * The server side of STUN Binding (RFC 8489 §6.3, RFC 5780 §6.1) as a pure function: a request, where it came from
 * and on which socket, in; the answer and the sockets to send it between, out. The caller owns the sockets.
 */
public final class BindingResponder {
  /** What to send: {@code response} from local socket {@code from} to {@code to}. */
  public record Answer(StunMessage response, InetSocketAddress from, InetSocketAddress to) {}

  private final StunServerAddresses addresses;
  private final Software software;

  public BindingResponder(StunServerAddresses addresses, String software) {
    this.addresses = Objects.requireNonNull(addresses, "addresses");
    this.software = new Software(software);
  }

  /**
   * The answer to {@code message}, received from {@code source} on local socket {@code receivedOn}; empty for anything
   * but a request (responses and indications are the client's business).
   */
  public Optional<Answer> answer(StunMessage message, InetSocketAddress source, InetSocketAddress receivedOn) {
    if (message.type() != StunClass.REQUEST) {
      return Optional.empty();
    }
    if (!message.isBinding()) {
      return Optional.of(error(message, 400, "Bad Request: only Binding is served", List.of(), source, receivedOn));
    }
    List<Integer> unknown = new ArrayList<>();
    for (StunAttribute a : message.attributes()) {
      if (a instanceof Unknown u && u.comprehensionRequired()) {
        unknown.add(u.type());
      }
    }
    Optional<ChangeRequest> change = message.attribute(ChangeRequest.class)
        .filter(c -> c.changeIp() || c.changePort());
    if (change.isPresent() && !addresses.canChange()) {
      unknown.add(StunCodec.CHANGE_REQUEST); // RFC 5780 §6.1: a server without alternates refuses it this way
    }
    if (!unknown.isEmpty()) {
      return Optional.of(error(message, ErrorCode.UNKNOWN_ATTRIBUTE, "Unknown Attribute", unknown, source,
          receivedOn));
    }
    InetSocketAddress from = change.map(c -> addresses.changed(receivedOn, c.changeIp(), c.changePort()))
        .orElse(receivedOn);
    InetSocketAddress to = message.attribute(ResponsePort.class)
        .map(p -> new InetSocketAddress(source.getAddress(), p.port()))
        .orElse(source);
    List<StunAttribute> attributes = new ArrayList<>(List.of(new XorMappedAddress(source), new MappedAddress(source)));
    if (addresses.canChange()) {
      attributes.add(new ResponseOrigin(from));
      attributes.add(new OtherAddress(addresses.changed(receivedOn, true, true)));
    }
    attributes.add(software);
    return Optional.of(new Answer(new StunMessage(StunClass.SUCCESS_RESPONSE, StunMessage.BINDING,
        message.transactionId(), attributes), from, to));
  }

  private Answer error(StunMessage request, int code, String reason, List<Integer> unknown,
      InetSocketAddress source, InetSocketAddress receivedOn) {
    List<StunAttribute> attributes = new ArrayList<>(List.of(new ErrorCode(code, reason)));
    if (!unknown.isEmpty()) {
      attributes.add(new UnknownAttributes(unknown));
    }
    attributes.add(software);
    return new Answer(new StunMessage(StunClass.ERROR_RESPONSE, request.method(), request.transactionId(),
        attributes), receivedOn, source);
  }
}
