/**
 * Retrying politely, once for the whole project: {@link io.certstream.retry.Backoff} (exponential, capped, jittered)
 * and {@link io.certstream.retry.RetryAfter} (the HTTP header). Used by the hub, the plugins and the client.
 */
package io.certstream.retry;
