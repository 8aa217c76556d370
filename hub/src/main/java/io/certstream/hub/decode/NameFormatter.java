package io.certstream.hub.decode;

import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

import io.certstream.model.DistinguishedName;

/**
 * Renders a subject or issuer the way certstream-server-go's {@code buildSubject} does: repeated
 * attributes joined with ",", and {@code aggregated} in its fixed order /C /CN /L /O /OU /ST.
 * <p>
 * Deliberate differences from certstream-server-go, each to follow WIRE.md and CaliDog:
 * <ul>
 *   <li>{@code ST} is stateOrProvinceName (2.5.4.8). Go fills it from streetAddress, a bug; CaliDog
 *       and OpenSSL use the state.</li>
 *   <li>An absent CN is {@code null} and left out of {@code aggregated}; Go sends "" and "/CN=".</li>
 *   <li>{@code email_address} is filled from emailAddress (1.2.840.113549.1.9.1); Go always sends
 *       null. It stays out of {@code aggregated}, as in Go.</li>
 * </ul>
 * When CN repeats, the last one wins, as in both anchors.
 */
final class NameFormatter {
    private NameFormatter() {
    }

    static DistinguishedName format(X500Name name) {
        List<String> c = new ArrayList<>(1);
        List<String> st = new ArrayList<>(1);
        List<String> l = new ArrayList<>(1);
        List<String> o = new ArrayList<>(1);
        List<String> ou = new ArrayList<>(1);
        List<String> email = new ArrayList<>(1);
        String cn = null;
        for (RDN rdn : name.getRDNs()) {
            for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
                ASN1ObjectIdentifier type = atv.getType();
                if (BCStyle.CN.equals(type)) {
                    cn = Asn1Text.of(atv.getValue());
                } else if (BCStyle.C.equals(type)) {
                    c.add(Asn1Text.of(atv.getValue()));
                } else if (BCStyle.ST.equals(type)) {
                    st.add(Asn1Text.of(atv.getValue()));
                } else if (BCStyle.L.equals(type)) {
                    l.add(Asn1Text.of(atv.getValue()));
                } else if (BCStyle.O.equals(type)) {
                    o.add(Asn1Text.of(atv.getValue()));
                } else if (BCStyle.OU.equals(type)) {
                    ou.add(Asn1Text.of(atv.getValue()));
                } else if (BCStyle.EmailAddress.equals(type)) {
                    email.add(Asn1Text.of(atv.getValue()));
                }
            }
        }
        String cS = join(c);
        String stS = join(st);
        String lS = join(l);
        String oS = join(o);
        String ouS = join(ou);
        StringBuilder aggregated = new StringBuilder(64);
        append(aggregated, "C", cS);
        append(aggregated, "CN", cn);
        append(aggregated, "L", lS);
        append(aggregated, "O", oS);
        append(aggregated, "OU", ouS);
        append(aggregated, "ST", stS);
        return new DistinguishedName(cS, stS, lS, oS, ouS, cn, join(email), aggregated.toString());
    }

    private static String join(List<String> values) {
        return values.isEmpty() ? null : String.join(",", values);
    }

    private static void append(StringBuilder sb, String key, String value) {
        if (value != null) {
            sb.append('/').append(key).append('=').append(value);
        }
    }
}
