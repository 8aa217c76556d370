package io.certstream.hub.sim;

import io.certstream.hub.decode.RawEntry;
import io.certstream.hub.ct.Sha256;
import io.certstream.model.UpdateType;

import java.util.Random;

/**
 * Turns minted certificates into log entries. Entry {@code index} of a log with a given seed always
 * gets the same type, names and serial, whichever batch issues it.
 */
final class EntryIssuer {

    private final CertificateMint mint;
    private final long seed;
    private final double precertRatio;

    EntryIssuer(CertificateMint mint, long seed, double precertRatio) {
        this.mint = mint;
        this.seed = seed;
        this.precertRatio = precertRatio;
    }

    IssuedEntry issue(long index, long timestamp) {
        Random random = new Random(mix(seed * 0x9E3779B97F4A7C15L + index));
        boolean precert = random.nextDouble() < precertRatio;
        MintedCertificate minted = mint.issue(random, timestamp, precert);
        RawEntry raw;
        if (precert) {
            byte[] leafInput = CtEncoding.precertLeafInput(timestamp, Sha256.digest(minted.issuerSpkiDer()),
                    CertificateMint.tbsWithoutPoison(minted.der()));
            raw = new RawEntry(index, leafInput, CtEncoding.precertExtraData(minted.der(), minted.chainDer()));
        } else {
            raw = new RawEntry(index, CtEncoding.x509LeafInput(timestamp, minted.der()),
                    CtEncoding.x509ExtraData(minted.chainDer()));
        }
        return new IssuedEntry(index, precert ? UpdateType.PrecertLogEntry : UpdateType.X509LogEntry, timestamp,
                minted.der(), minted.chainDer(), minted.domains(), raw);
    }

    // java.util.Random seeded with neighbouring values starts with correlated draws; scramble first.
    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

}
