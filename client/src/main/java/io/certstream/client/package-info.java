/**
 * A small client for CertStream servers (this project's hub, CaliDog certstream-server,
 * certstream-server-go): connect over websockets, receive typed certificate updates.
 *
 * <p>Start with {@link io.certstream.client.CertStreamClient}; configuration lives in
 * {@link io.certstream.client.CertStreamOptions}; messages are the sealed
 * {@link io.certstream.client.CertStreamMessage} family, mirroring the wire format field for field.
 */
package io.certstream.client;
