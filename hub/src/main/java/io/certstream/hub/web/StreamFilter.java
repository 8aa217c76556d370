package io.certstream.hub.web;

import io.certstream.hub.publish.Published;
import io.certstream.model.UpdateType;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a connection asked to receive ({@code domain=}, {@code match=}, {@code type=}, {@code log=}, {@code dedup=});
 * all given criteria must hold. Equal filters are one group in {@link Audience}: a certificate is tested once per
 * distinct filter, whatever the number of clients that share it.
 *
 * @param domains ASCII (A-label), lower case, no trailing dot; a certificate matches when one of its domains is one
 *                of them or under one (a wildcard {@code *.a.example} is under {@code a.example}); empty: any
 * @param match   a regex (case-insensitive, found anywhere) one of the certificate's domains must contain; or null
 * @param type    only this kind of entry; or null
 * @param log     text the log's name or URL must contain (lower case); or null
 * @param dedup   only the first publication of each certificate within the dedup window
 */
record StreamFilter(Set<String> domains, String match, UpdateType type, String log, boolean dedup) {
    static final StreamFilter NONE = new StreamFilter(Set.of(), null, null, null, false);

    StreamFilter {
        domains = Set.copyOf(domains);
    }

    boolean isNone() {
        return equals(NONE);
    }

    /** Whole test, for the filters {@link Audience} does not index by domain and for replays. */
    boolean test(Published p, Pattern compiled) {
        if (!testExceptDomains(p, compiled)) {
            return false;
        }
        if (domains.isEmpty()) {
            return true;
        }
        for (String domain : p.facts().domains()) {
            for (String suffix = normalizedCertName(domain); suffix != null; suffix = parent(suffix)) {
                if (domains.contains(suffix)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Everything but {@code domains}: what is left to check once the domain index has found this filter. */
    boolean testExceptDomains(Published p, Pattern compiled) {
        Published.Facts f = p.facts();
        if (dedup && p.duplicate()) {
            return false;
        }
        if (type != null && f.type() != type) {
            return false;
        }
        if (log != null && !contains(f.logName(), log) && !contains(f.logUrl(), log)) {
            return false;
        }
        if (compiled != null) {
            for (String d : f.domains()) {
                if (find(compiled, d)) {
                    return true;
                }
            }
            return false;
        }
        return true;
    }

    /** Most characters one regex may read in one domain: a catastrophically backtracking regex gives up, not the loop. */
    static final int REGEX_BUDGET = 100_000;
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(StreamFilter.class.getName());
    private static volatile boolean warnedBudget;

    /**
     * {@code match=} runs on the event loop, on every certificate: a client's regex that backtracks exponentially
     * must not stall everyone. The domain is handed to the regex through a {@link CharSequence} that counts the
     * characters read and stops the match beyond {@link #REGEX_BUDGET} (a normal regex reads a domain a few times).
     */
    static boolean find(Pattern regex, String domain) {
        try {
            return regex.matcher(new Budgeted(domain)).find();
        } catch (Budgeted.Exhausted e) {
            if (!warnedBudget) {
                warnedBudget = true;
                LOG.warning("match=" + regex.pattern() + " read more than " + REGEX_BUDGET + " characters of \"" + domain
                        + "\" and was stopped (counted as no match); such regexes cost every client CPU");
            }
            return false;
        }
    }

    private static final class Budgeted implements CharSequence {
        static final class Exhausted extends RuntimeException {
            Exhausted() {
                super(null, null, false, false);
            }
        }

        private final String text;
        private final int[] budget;

        Budgeted(String text) {
            this(text, new int[] {REGEX_BUDGET});
        }

        private Budgeted(String text, int[] budget) {
            this.text = text;
            this.budget = budget;
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public char charAt(int index) {
            if (--budget[0] < 0) {
                throw new Exhausted();
            }
            return text.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Budgeted(text.substring(start, end), budget);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** The compiled {@link #match}, or null. Compiled by the caller once per group (the record compares the text). */
    Pattern compile() {
        return match == null ? null : Pattern.compile(match, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    /** A certificate's domain as the index keys it: lower case, wildcard label and trailing dot removed. */
    static String normalizedCertName(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        if (d.startsWith("*.")) {
            d = d.substring(2);
        }
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        return d.isEmpty() ? null : d;
    }

    /** {@code b.example} for {@code a.b.example}; null for a single label. */
    static String parent(String name) {
        int dot = name.indexOf('.');
        return dot < 0 || dot == name.length() - 1 ? null : name.substring(dot + 1);
    }

    private static boolean contains(String text, String lowerNeedle) {
        return text != null && text.toLowerCase(Locale.ROOT).contains(lowerNeedle);
    }

    @Override
    public String toString() {
        return "domains=" + domains + " match=" + Objects.toString(match, "-") + " type=" + Objects.toString(type, "-")
                + " log=" + Objects.toString(log, "-") + " dedup=" + dedup;
    }
}
