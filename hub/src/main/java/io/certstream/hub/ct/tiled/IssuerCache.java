package io.certstream.hub.ct.tiled;

import io.certstream.hub.ct.LogFetchException;
import io.certstream.hub.ct.LogHttp;
import io.certstream.hub.ct.Sha256;
import io.certstream.hub.metrics.FaultKind;
import io.vertx.core.Future;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The issuer certificates of one tiled log ({@code <monitoring prefix>/issuer/<sha256 hex>}), each fetched once and
 * kept in a bounded LRU. The same few intermediates appear in nearly every entry. A fetch in flight is shared by
 * everyone asking for it; a failed fetch is forgotten so that the next attempt asks again. Used only from the
 * watcher's event loop, so it needs no locking.
 */
public final class IssuerCache {
    private final String baseUrl;
    private final Map<String, Future<byte[]>> issuers;

    /**
     * @param capacity issuers kept; a log sees tens of issuers (hundreds for a multi-CA shard), each ~1.5 KB of DER
     */
    public IssuerCache(String baseUrl, int capacity) {
        this.baseUrl = baseUrl;
        this.issuers = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Future<byte[]>> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The DER of the issuer with this lower-case hex SHA-256, checked against it. */
    public Future<byte[]> get(LogHttp http, String sha256Hex) {
        Future<byte[]> known = issuers.get(sha256Hex);
        if (known != null) {
            return known;
        }
        String url = baseUrl + "/issuer/" + sha256Hex;
        Future<byte[]> fetch = http.get(url)
                .recover(e -> Future.failedFuture(e instanceof LogFetchException f && f.status() == 404
                        ? new LogFetchException(FaultKind.ISSUER_MISSING, url + ": the log does not serve this issuer (HTTP 404),"
                                + " although one of its entries names it", 0, 404)
                        : e))
                .map(body -> {
                    byte[] der = body.getBytes();
                    String actual = HexFormat.of().formatHex(Sha256.digest(der));
                    if (!actual.equals(sha256Hex)) {
                        throw new LogFetchException(FaultKind.BAD_ISSUER, url + ": the issuer served hashes to " + actual
                                + ", not to its name", 0);
                    }
                    return der;
                });
        issuers.put(sha256Hex, fetch);
        fetch.onFailure(e -> issuers.remove(sha256Hex, fetch));
        return fetch;
    }

    public int size() {
        return issuers.size();
    }

}
