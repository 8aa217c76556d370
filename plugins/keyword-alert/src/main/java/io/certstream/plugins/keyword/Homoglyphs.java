package io.certstream.plugins.keyword;

import java.net.IDN;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Map;

/**
 * Reduces a domain to a "skeleton" in which characters that look alike are the same, so that
 * {@code pаypal} (Cyrillic а), {@code paypa1} and {@code xn--pypal-4ve} all read {@code paypal}.
 * A deliberately small table of the confusables phishers use (after Unicode TR39), not the full one.
 */
final class Homoglyphs {
    private static final Map<Character, Character> LOOKALIKE = Map.ofEntries(
            // Cyrillic
            Map.entry('а', 'a'), Map.entry('в', 'b'), Map.entry('с', 'c'), Map.entry('ԁ', 'd'), Map.entry('е', 'e'),
            Map.entry('һ', 'h'), Map.entry('і', 'l'), Map.entry('ј', 'j'), Map.entry('к', 'k'), Map.entry('м', 'm'),
            Map.entry('н', 'h'), Map.entry('о', 'o'), Map.entry('р', 'p'), Map.entry('ԛ', 'q'), Map.entry('ѕ', 's'),
            Map.entry('т', 't'), Map.entry('и', 'u'), Map.entry('ѵ', 'v'), Map.entry('ԝ', 'w'), Map.entry('х', 'x'),
            Map.entry('у', 'y'), Map.entry('ӏ', 'l'),
            // Greek
            Map.entry('α', 'a'), Map.entry('β', 'b'), Map.entry('ε', 'e'), Map.entry('η', 'n'), Map.entry('ι', 'l'),
            Map.entry('κ', 'k'), Map.entry('ν', 'v'), Map.entry('ο', 'o'), Map.entry('ρ', 'p'), Map.entry('τ', 't'),
            Map.entry('υ', 'u'), Map.entry('χ', 'x'), Map.entry('ω', 'w'),
            // Latin look-alikes and digits
            Map.entry('ı', 'l'), Map.entry('i', 'l'), Map.entry('1', 'l'), Map.entry('|', 'l'), Map.entry('!', 'l'),
            Map.entry('0', 'o'), Map.entry('3', 'e'), Map.entry('5', 's'), Map.entry('ß', 's'), Map.entry('ɡ', 'g'),
            Map.entry('ʀ', 'r'), Map.entry('ɑ', 'a'));

    private Homoglyphs() {
    }

    /** The Unicode form of a domain: punycode labels ({@code xn--}) decoded, lower case. */
    static String unicode(String domain) {
        if (!domain.contains("xn--")) {
            return domain;
        }
        try {
            return IDN.toUnicode(domain, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException malformed) {
            // Certificates do carry broken punycode; match it as written.
            return domain;
        }
    }

    /** The skeleton: NFKD without accents, look-alikes mapped, {@code rn}→{@code m}, {@code vv}→{@code w}, no hyphens. */
    static String skeleton(String text) {
        String decomposed = Normalizer.normalize(text.toLowerCase(Locale.ROOT), Normalizer.Form.NFKD);
        StringBuilder out = new StringBuilder(decomposed.length());
        for (int i = 0; i < decomposed.length(); i++) {
            char c = decomposed.charAt(i);
            if (Character.getType(c) == Character.NON_SPACING_MARK || c == '-') {
                continue;
            }
            out.append(LOOKALIKE.getOrDefault(c, c));
        }
        return out.toString().replace("rn", "m").replace("vv", "w");
    }
}
