/**
 * The CertStream wire format: each decoded certificate serialized once into the full, lite and
 * domains-only JSON texts that every client, bridge and plugin shares.
 */
package io.certstream.hub.wire;
