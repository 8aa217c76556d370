/**
 * The certificate model of the CertStream wire format, as plugins and the hub see it.
 * {@link io.certstream.model.CertificateUpdate} mirrors the {@code data} object of a
 * {@code certificate_update} message; the JSON field names are given on each component.
 */
package io.certstream.model;
