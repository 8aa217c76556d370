/**
 * static-ct-api ("tiled") logs: signed checkpoints, tile paths, hash and data tiles, issuers, and the
 * watcher that follows one such log.
 */
package io.certstream.hub.ct.tiled;
