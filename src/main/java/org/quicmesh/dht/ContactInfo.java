package org.quicmesh.dht;

import org.quicmesh.wire.Contact;

/**
 * A snapshot of what a bucket knows about one verified contact.
 *
 * @param contact the contact (latest verified address)
 * @param firstSeenMillis when it first answered us; "long-lived" contacts have the earliest value
 * @param lastSeenMillis when it last answered us (buckets order contacts by this, least recent first)
 * @param failures consecutive failed RPCs since it last answered
 */
record ContactInfo(Contact contact, long firstSeenMillis, long lastSeenMillis, int failures) {}
