package io.certstream.model;

/**
 * A subject or issuer name as CertStream clients see it: the common attributes (first value of
 * each, {@code null} when absent) and {@code aggregated}, all attributes as {@code /C=US/O=.../CN=...}.
 */
public record DistinguishedName(
        String c, String st, String l, String o, String ou, String cn, String emailAddress,
        String aggregated) {
}
