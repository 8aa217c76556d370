/**
 * The {@code webhook} plugin: POSTs certificates or alerts as signed JSON batches to a URL, with retries, a
 * durable on-disk queue and a dead-letter file for batches the receiver refuses.
 */
package io.certstream.plugins.webhook;
