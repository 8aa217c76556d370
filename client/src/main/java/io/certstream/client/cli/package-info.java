/**
 * The {@code certstream} command line: options, one line (or JSON) per certificate on stdout, connection status
 * on stderr; built on the {@link io.certstream.client.CertStreamClient} library.
 */
package io.certstream.client.cli;
