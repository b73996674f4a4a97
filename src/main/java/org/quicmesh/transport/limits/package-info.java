/**
 * Resource limits that keep one abusive peer from exhausting a node: connection attempts per source IP per second
 * ({@link AttemptRate}), concurrent connections and in-flight requests per key and in total ({@link Permits}), and
 * one budget for inbound bytes being assembled ({@link ByteBudget}). Plain thread-safe classes without Netty; the QUIC
 * transport enforces them, counts each refusal by reason and tells the peer why.
 */
package org.quicmesh.transport.limits;
