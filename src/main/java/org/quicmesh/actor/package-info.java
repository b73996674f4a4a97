/**
 * The ground floor for actors: helpers any actor package may use and that use no project package themselves, so every
 * import of them points down. {@link org.quicmesh.actor.Counters} (named event counters of one actor),
 * {@link org.quicmesh.actor.Replies} (one-shot reply refs, the deterministic alternative to Pekko's ask),
 * {@link org.quicmesh.actor.Failures} (the one-line reasons users see) and {@link org.quicmesh.actor.Latencies}
 * (latency samples for histograms).
 */
package org.quicmesh.actor;
