package org.quicmesh.nat.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicmesh.nat.stun.BindingResponder.Answer;
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

class BindingResponderTest {
  private static final InetSocketAddress IP1_P1 = address("203.0.113.1", 3478);
  private static final InetSocketAddress IP1_P2 = address("203.0.113.1", 3479);
  private static final InetSocketAddress IP2_P1 = address("203.0.113.2", 3478);
  private static final InetSocketAddress IP2_P2 = address("203.0.113.2", 3479);
  private static final InetSocketAddress CLIENT = address("198.51.100.9", 61000);

  private final Random random = new Random(7);
  private final BindingResponder single = new BindingResponder(StunServerAddresses.single(IP1_P1), "quicmesh");
  private final BindingResponder twoAddress = new BindingResponder(
      StunServerAddresses.rfc5780(IP1_P1, IP2_P1.getAddress(), 3479), "quicmesh");

  @Test
  void answersABindingRequestWithTheSourceItSaw() {
    StunMessage request = StunMessage.bindingRequest(TransactionId.random(random));
    Answer answer = single.answer(request, CLIENT, IP1_P1).orElseThrow();
    StunMessage response = answer.response();
    assertEquals(StunClass.SUCCESS_RESPONSE, response.type());
    assertEquals(request.transactionId(), response.transactionId());
    assertEquals(CLIENT, response.attribute(XorMappedAddress.class).orElseThrow().address());
    assertEquals(CLIENT, response.attribute(MappedAddress.class).orElseThrow().address());
    assertEquals("quicmesh", response.attribute(Software.class).orElseThrow().description());
    assertTrue(response.attribute(OtherAddress.class).isEmpty(), "a single-address server names no other address");
    assertEquals(IP1_P1, answer.from());
    assertEquals(CLIENT, answer.to());
  }

  @Test
  void ignoresResponsesAndIndications() {
    TransactionId id = TransactionId.random(random);
    for (StunClass type : List.of(StunClass.SUCCESS_RESPONSE, StunClass.ERROR_RESPONSE, StunClass.INDICATION)) {
      assertTrue(single.answer(new StunMessage(type, StunMessage.BINDING, id, List.of()), CLIENT, IP1_P1).isEmpty());
    }
  }

  @Test
  void refusesUnknownComprehensionRequiredAttributesWith420() {
    StunMessage request = StunMessage.bindingRequest(TransactionId.random(random),
        new Unknown(0x0006, new byte[4]), new Unknown(0x8055, new byte[4]));
    StunMessage response = single.answer(request, CLIENT, IP1_P1).orElseThrow().response();
    assertEquals(StunClass.ERROR_RESPONSE, response.type());
    assertEquals(420, response.attribute(ErrorCode.class).orElseThrow().code());
    assertEquals(List.of(0x0006), response.attribute(UnknownAttributes.class).orElseThrow().types());
  }

  @Test
  void aSingleAddressServerRefusesChangeRequestButNotAnEmptyOne() {
    StunMessage change = StunMessage.bindingRequest(TransactionId.random(random), new ChangeRequest(true, true));
    StunMessage refused = single.answer(change, CLIENT, IP1_P1).orElseThrow().response();
    assertEquals(420, refused.attribute(ErrorCode.class).orElseThrow().code());
    assertEquals(List.of(StunCodec.CHANGE_REQUEST), refused.attribute(UnknownAttributes.class).orElseThrow().types());
    StunMessage noChange = StunMessage.bindingRequest(TransactionId.random(random), new ChangeRequest(false, false));
    assertEquals(StunClass.SUCCESS_RESPONSE, single.answer(noChange, CLIENT, IP1_P1).orElseThrow().response().type());
  }

  @Test
  void aTwoAddressServerAnswersFromTheSocketChangeRequestNames() {
    assertEquals(IP2_P2, answerFrom(IP1_P1, true, true));
    assertEquals(IP1_P2, answerFrom(IP1_P1, false, true));
    assertEquals(IP2_P1, answerFrom(IP1_P1, true, false));
    assertEquals(IP1_P1, answerFrom(IP1_P1, false, false));
    assertEquals(IP1_P1, answerFrom(IP2_P2, true, true));
    assertEquals(IP2_P1, answerFrom(IP2_P2, false, true));
  }

  @Test
  void aTwoAddressServerNamesItsOtherAddressAndTheResponseOrigin() {
    StunMessage request = StunMessage.bindingRequest(TransactionId.random(random), new ChangeRequest(true, false));
    StunMessage response = twoAddress.answer(request, CLIENT, IP1_P2).orElseThrow().response();
    assertEquals(IP2_P1, response.attribute(OtherAddress.class).orElseThrow().address());
    assertEquals(IP2_P2, response.attribute(ResponseOrigin.class).orElseThrow().address());
  }

  @Test
  void responsePortRedirectsTheAnswerToAnotherPortOfTheSameHost() {
    StunMessage request = StunMessage.bindingRequest(TransactionId.random(random), new ResponsePort(5000));
    Answer answer = single.answer(request, CLIENT, IP1_P1).orElseThrow();
    assertEquals(address("198.51.100.9", 5000), answer.to());
    assertEquals(CLIENT, answer.response().attribute(XorMappedAddress.class).orElseThrow().address());
  }

  @Test
  void theFourSocketsOfATwoAddressServer() {
    assertEquals(List.of(IP1_P1, IP1_P2, IP2_P1, IP2_P2),
        StunServerAddresses.rfc5780(IP1_P1, IP2_P1.getAddress(), 3479).sockets());
    assertEquals(List.of(IP1_P1), StunServerAddresses.single(IP1_P1).sockets());
  }

  @Test
  void aTwoAddressServerNeedsConcreteDistinctAddresses() {
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> StunServerAddresses.rfc5780(new InetSocketAddress(3478), IP2_P1.getAddress(), 3479));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> StunServerAddresses.rfc5780(IP1_P1, IP1_P1.getAddress(), 3479));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> StunServerAddresses.rfc5780(IP1_P1, IP2_P1.getAddress(), 3478));
  }

  private InetSocketAddress answerFrom(InetSocketAddress receivedOn, boolean changeIp, boolean changePort) {
    StunMessage request = StunMessage.bindingRequest(TransactionId.random(random),
        new ChangeRequest(changeIp, changePort));
    Answer answer = twoAddress.answer(request, CLIENT, receivedOn).orElseThrow();
    assertEquals(CLIENT, answer.to());
    return answer.from();
  }

  static InetSocketAddress address(String ip, int port) {
    try {
      return new InetSocketAddress(InetAddress.getByName(ip), port);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
