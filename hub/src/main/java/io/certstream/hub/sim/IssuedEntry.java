package io.certstream.hub.sim;

import io.certstream.hub.decode.RawEntry;
import io.certstream.model.UpdateType;

import java.util.List;

/**
 * What the simulated log issued at one index, kept so tests can compare the hub's output with it.
 *
 * @param index     the entry's index in the log
 * @param type      x509 or precert entry
 * @param timestamp the entry's timestamp, epoch milliseconds
 * @param leafDer   the leaf certificate's DER (for precert entries: the precertificate, poison included)
 * @param chainDer  issuer certificates, nearest first, root last
 * @param domains   DNS SANs in certificate order, then the CN unless already listed (the hub's {@code all_domains})
 * @param raw       the entry as {@code get-entries} serves it
 */
public record IssuedEntry(long index, UpdateType type, long timestamp, byte[] leafDer, List<byte[]> chainDer,
                          List<String> domains, RawEntry raw) {

    public IssuedEntry {
        chainDer = List.copyOf(chainDer);
        domains = List.copyOf(domains);
    }
}
