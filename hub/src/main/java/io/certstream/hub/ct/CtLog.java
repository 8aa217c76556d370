package io.certstream.hub.ct;

import io.certstream.hub.config.HubConfig.StartPosition;
import io.certstream.model.LogSource;

/**
 * A CT log the hub watches.
 *
 * @param url           base URL without trailing slash (RFC 6962 log URL, or a tiled log's monitoring URL)
 * @param name          the log's description, shown to clients as {@code source.name}
 * @param operator      operator name, or {@code null}
 * @param kind          {@link LogSource#RFC6962} or {@link LogSource#TILED}
 * @param keyBase64     the log's public key (DER SubjectPublicKeyInfo, base64), or {@code null} when unknown
 * @param finalTreeSize for read-only logs, the size the log was frozen at; {@code null} for logs that still grow
 * @param start         where to start when there is no saved position
 * @param finalRootHash for read-only logs, the base64 {@code sha256_root_hash} of the final tree head (checked once
 *                      the hub has read up to it), else {@code null}
 */
public record CtLog(String url, String name, String operator, String kind, String keyBase64, Long finalTreeSize,
                    StartPosition start, String finalRootHash) {

    public CtLog(String url, String name, String operator, String kind, String keyBase64, Long finalTreeSize,
                 StartPosition start) {
        this(url, name, operator, kind, keyBase64, finalTreeSize, start, null);
    }

    public LogSource source() {
        return new LogSource(name, url, operator, kind);
    }
}
