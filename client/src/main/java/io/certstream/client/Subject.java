package io.certstream.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A distinguished name as CertStream servers send it ({@code subject} and {@code issuer}). Attributes
 * the certificate does not have are null.
 *
 * @param country            {@code C}
 * @param state              {@code ST}
 * @param locality           {@code L}
 * @param organization       {@code O}
 * @param organizationalUnit {@code OU}
 * @param commonName         {@code CN}
 * @param emailAddress       {@code email_address} (absent in CaliDog's server)
 * @param aggregated         the whole name, e.g. {@code /C=US/O=Let's Encrypt/CN=R3}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Subject(
        @JsonProperty("C") String country,
        @JsonProperty("ST") String state,
        @JsonProperty("L") String locality,
        @JsonProperty("O") String organization,
        @JsonProperty("OU") String organizationalUnit,
        @JsonProperty("CN") String commonName,
        @JsonProperty("email_address") String emailAddress,
        @JsonProperty("aggregated") String aggregated) {
}
