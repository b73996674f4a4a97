package org.quicmesh.cli;

/** A control request that cannot be carried out as asked; the message goes back to the client as {@code error}. */
final class ControlException extends RuntimeException {
  ControlException(String message) {
    super(message, null, false, false);
  }
}
