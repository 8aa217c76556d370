package io.certstream.plugins.keyword;

import io.certstream.plugin.PluginConfig;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One named rule from config. A certificate matches when any of its domains matches any of the rule's
 * patterns and that domain is not excluded; the kinds are tried in the order of the record components.
 *
 * @param exact     domains equal to one of these (lower case; a certificate's {@code *.x} is only equal to {@code *.x})
 * @param suffixes  {@code example.com}: the domain and all its subdomains; {@code *.example.com}: subdomains only
 * @param keywords  substrings of the domain, or of its Unicode form for IDNs
 * @param regexes   Java regular expressions found anywhere in the domain ({@code find}, anchor with ^ and $)
 * @param lookalike brand names found in the domain's homoglyph skeleton (catches {@code paypa1}, {@code pаypal})
 * @param exclude   suffixes (same syntax as {@code suffixes}) of domains this rule ignores, e.g. the brand's own
 */
record Rule(String name, Set<String> exact, List<String> suffixes, List<String> keywords, List<Pattern> regexes,
            List<String> lookalike, List<String> exclude) {

    /** A matched rule: which domain and how. */
    record Match(Rule rule, String domain, String kind) {
    }

    static Rule read(PluginConfig c) {
        c.allowOnly("name", "exact", "suffix", "keyword", "regex", "lookalike", "exclude");
        String name = c.requiredString("name");
        Rule rule = new Rule(name,
                Set.copyOf(lower(c.strings("exact"))),
                lower(c.strings("suffix")),
                lower(c.strings("keyword")),
                c.regexes("regex"),
                lower(c.strings("lookalike")).stream().map(Homoglyphs::skeleton).toList(),
                lower(c.strings("exclude")));
        if (rule.exact.isEmpty() && rule.suffixes.isEmpty() && rule.keywords.isEmpty() && rule.regexes.isEmpty()
                && rule.lookalike.isEmpty()) {
            throw c.error("name", "(\"" + name + "\") has nothing to match: give at least one of exact, suffix, keyword, regex, lookalike");
        }
        return rule;
    }

    /** The first domain that matches, or {@code null}. */
    Match match(List<Domain> domains) {
        for (Domain d : domains) {
            if (excluded(d.ascii())) {
                continue;
            }
            String kind = kindOf(d);
            if (kind != null) {
                return new Match(this, d.ascii(), kind);
            }
        }
        return null;
    }

    private String kindOf(Domain d) {
        if (exact.contains(d.ascii())) {
            return "exact";
        }
        for (String s : suffixes) {
            if (suffixMatches(s, d.ascii())) {
                return "suffix";
            }
        }
        for (String k : keywords) {
            if (d.ascii().contains(k) || d.unicode().contains(k)) {
                return "keyword";
            }
        }
        for (Pattern p : regexes) {
            if (p.matcher(d.ascii()).find()) {
                return "regex";
            }
        }
        if (!lookalike.isEmpty()) {
            String skeleton = d.skeleton();
            for (String brand : lookalike) {
                if (skeleton.contains(brand)) {
                    return "lookalike";
                }
            }
        }
        return null;
    }

    private boolean excluded(String domain) {
        for (String s : exclude) {
            if (suffixMatches(s, domain)) {
                return true;
            }
        }
        return false;
    }

    /** A certificate's {@code *.a.example} is a subdomain of {@code a.example}, so it matches both forms. */
    static boolean suffixMatches(String suffix, String domain) {
        if (suffix.startsWith("*.")) {
            return domain.endsWith(suffix.substring(1));
        }
        return domain.equals(suffix) || domain.endsWith("." + suffix);
    }

    private static List<String> lower(List<String> values) {
        return values.stream().map(v -> v.toLowerCase(Locale.ROOT)).toList();
    }

    /** A certificate domain in the forms rules compare, the costly ones computed once per certificate. */
    static final class Domain {
        private final String ascii;
        private String unicode;
        private String skeleton;

        Domain(String domain) {
            String d = domain.toLowerCase(Locale.ROOT);
            this.ascii = d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
        }

        String ascii() {
            return ascii;
        }

        String unicode() {
            if (unicode == null) {
                unicode = Homoglyphs.unicode(ascii);
            }
            return unicode;
        }

        String skeleton() {
            if (skeleton == null) {
                skeleton = Homoglyphs.skeleton(unicode());
            }
            return skeleton;
        }
    }
}
