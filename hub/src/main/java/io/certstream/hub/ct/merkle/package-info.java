/**
 * RFC 6962 Merkle tree hashing and proofs (consistency, inclusion), shared by both kinds of log and the
 * simulated log.
 */
package io.certstream.hub.ct.merkle;
