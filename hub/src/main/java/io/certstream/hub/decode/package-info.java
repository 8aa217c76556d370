/**
 * Log entries into certificates: {@code leaf_input} / {@code extra_data} (TLS encoding) and X.509 parsed
 * with BouncyCastle into the CertStream model, on a bounded pool of worker threads.
 */
package io.certstream.hub.decode;
