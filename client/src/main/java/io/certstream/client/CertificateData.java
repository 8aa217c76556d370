package io.certstream.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The {@code data} object of a {@code certificate_update} message.
 *
 * @param updateType {@code X509LogEntry} or {@code PrecertLogEntry}
 * @param certIndex  index of the entry in its log
 * @param certLink   URL of the entry in the log ({@code get-entries?start=N&end=N}); absent in CaliDog's
 *                   README example, so may be null
 * @param seen       when the server processed the entry, epoch seconds
 * @param source     the log the entry came from
 * @param leafCert   the certificate itself
 * @param chain      the issuing chain; empty on the lite stream
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CertificateData(
        @JsonProperty("update_type") String updateType,
        @JsonProperty("cert_index") long certIndex,
        @JsonProperty("cert_link") String certLink,
        @JsonProperty("seen") double seen,
        @JsonProperty("source") Source source,
        @JsonProperty("leaf_cert") LeafCert leafCert,
        @JsonProperty("chain") List<LeafCert> chain) {

    public CertificateData {
        // Servers omit chain on the lite stream; an empty list spares every caller a null check.
        chain = chain == null ? List.of() : List.copyOf(chain);
        source = source == null ? new Source(null, null, null, null, null) : source;
    }

    /** Shortcut for {@code leafCert().allDomains()}, empty when the message had no leaf certificate. */
    public List<String> allDomains() {
        return leafCert == null ? List.of() : leafCert.allDomains();
    }
}
