package io.certstream.model;

import java.util.List;

/**
 * One certificate seen in a CT log: the {@code data} of a CertStream {@code certificate_update} message.
 *
 * @param updateType    x509 or precertificate entry
 * @param certIndex     the entry's index in its log
 * @param certLink      a URL where a user can fetch the entry from the log
 * @param seenMillis    when the hub decoded it, epoch milliseconds (sent as {@code seen}, seconds with millis)
 * @param logTimestamp  the log's timestamp of the entry, epoch milliseconds
 * @param source        the log it came from
 * @param leaf          the certificate (for precert entries: the precertificate, poison included)
 * @param chain         issuer certificates, nearest first, as the log received them
 */
public record CertificateUpdate(
        UpdateType updateType,
        long certIndex,
        String certLink,
        long seenMillis,
        long logTimestamp,
        LogSource source,
        Certificate leaf,
        List<Certificate> chain) {

    public CertificateUpdate {
        chain = List.copyOf(chain);
    }
}
