package io.certstream.hub.web;

import io.certstream.hub.wire.Cursor;
import io.certstream.hub.wire.StreamType;
import io.certstream.model.UpdateType;
import io.vertx.core.MultiMap;

import java.net.IDN;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A stream request's query string, checked before the websocket upgrade (or the SSE response) so that a bad value
 * is refused with HTTP 400 and one line saying which parameter and why. See docs/streams.md.
 *
 * @param since resume after this cursor ({@code since=}, or SSE's {@code Last-Event-ID}); null: live only
 */
record StreamQuery(StreamType stream, StreamFilter filter, Cursor since) {
    static final int MAX_DOMAINS = 1000;
    static final int MAX_REGEX = 512;
    private static final Set<String> FILTERS = Set.of("domain", "match", "type", "log", "dedup", "since");
    /** Read by other handlers before ours (access tokens, issue 17): accepted and ignored here. */
    private static final Set<String> OWNED_ELSEWHERE = Set.of("token");

    /** Thrown with the one-line reason sent as the 400 body. */
    static final class BadQuery extends IllegalArgumentException {
        BadQuery(String message) {
            super(message);
        }
    }

    /** A websocket path's query: the stream is the path's. */
    static StreamQuery parse(StreamType stream, MultiMap params, String lastEventId) {
        for (String name : params.names()) {
            if (!FILTERS.contains(name) && !OWNED_ELSEWHERE.contains(name)) {
                throw new BadQuery("unknown parameter \"" + name + "\" (known: domain, match, type, log, dedup, since)");
            }
        }
        return new StreamQuery(stream, filter(params), since(params, lastEventId));
    }

    /** {@code /sse}'s query: {@code stream=lite|full|domains-only} (default lite) and the same filters. */
    static StreamQuery parseSse(MultiMap params, String lastEventId) {
        StreamType stream = StreamType.LITE;
        List<String> streams = params.getAll("stream");
        if (streams.size() > 1) {
            throw new BadQuery("stream: given " + streams.size() + " times, give it once");
        }
        if (streams.size() == 1) {
            stream = switch (streams.get(0)) {
                case "lite" -> StreamType.LITE;
                case "full", "full-stream" -> StreamType.FULL;
                case "domains-only" -> StreamType.DOMAINS_ONLY;
                default -> throw new BadQuery("stream: unknown stream \"" + streams.get(0) + "\" (lite, full, domains-only)");
            };
        }
        MultiMap rest = MultiMap.caseInsensitiveMultiMap().addAll(params).remove("stream");
        return parse(stream, rest, lastEventId);
    }

    private static StreamFilter filter(MultiMap params) {
        Set<String> domains = new LinkedHashSet<>();
        for (String value : params.getAll("domain")) {
            for (String name : value.split(",", -1)) {
                domains.add(domain(name.trim()));
            }
        }
        if (domains.size() > MAX_DOMAINS) {
            throw new BadQuery("domain: " + domains.size() + " names, at most " + MAX_DOMAINS);
        }
        return new StreamFilter(domains, match(params.getAll("match")), type(once(params, "type")),
                log(once(params, "log")), dedup(once(params, "dedup")));
    }

    /** A domain as the index keys it: A-labels, lower case, without a leading {@code *.} or a trailing dot. */
    static String domain(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.startsWith("*.")) {
            n = n.substring(2);
        }
        if (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        if (n.isEmpty()) {
            throw new BadQuery("domain: empty name (give example.com, or several separated by commas)");
        }
        String ascii;
        try {
            ascii = IDN.toASCII(n, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new BadQuery("domain: \"" + name + "\" is not a domain name (" + e.getMessage() + ")");
        }
        if (ascii.length() > 253 || ascii.contains("..") || ascii.startsWith(".") || ascii.contains("*")
                || ascii.contains("/") || ascii.contains(" ")) {
            throw new BadQuery("domain: \"" + name + "\" is not a domain name");
        }
        return ascii;
    }

    /** Several {@code match=} are alternatives: one regex, so the group is still tested once. */
    private static String match(List<String> regexes) {
        if (regexes.isEmpty()) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        for (String regex : regexes) {
            if (regex.isEmpty()) {
                throw new BadQuery("match: empty regex");
            }
            if (regex.length() > MAX_REGEX) {
                throw new BadQuery("match: regex of " + regex.length() + " characters, at most " + MAX_REGEX);
            }
            try {
                Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw new BadQuery("match: not a Java regex: " + e.getDescription() + " near index " + e.getIndex()
                        + " of \"" + regex + "\"");
            }
            parts.add(regex);
        }
        return parts.size() == 1 ? parts.get(0) : "(?:" + String.join(")|(?:", parts) + ")";
    }

    private static UpdateType type(String value) {
        if (value == null) {
            return null;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "x509", "x509logentry" -> UpdateType.X509LogEntry;
            case "precert", "precertlogentry" -> UpdateType.PrecertLogEntry;
            default -> throw new BadQuery("type: unknown type \"" + value + "\" (x509 or precert)");
        };
    }

    private static String log(String value) {
        if (value != null && value.isBlank()) {
            throw new BadQuery("log: empty (give part of a log's name or URL)");
        }
        return value == null ? null : value.toLowerCase(Locale.ROOT);
    }

    private static boolean dedup(String value) {
        if (value == null) {
            return false;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "" -> true;
            case "false", "0", "no" -> false;
            default -> throw new BadQuery("dedup: \"" + value + "\" is not true or false");
        };
    }

    private static Cursor since(MultiMap params, String lastEventId) {
        String value = lastEventId != null && !lastEventId.isBlank() ? lastEventId.trim() : once(params, "since");
        if (value == null) {
            return null;
        }
        try {
            return Cursor.parse(value);
        } catch (IllegalArgumentException e) {
            throw new BadQuery((lastEventId != null && !lastEventId.isBlank() ? "Last-Event-ID: " : "since: ") + e.getMessage());
        }
    }

    private static String once(MultiMap params, String name) {
        List<String> values = params.getAll(name);
        if (values.size() > 1) {
            throw new BadQuery(name + ": given " + values.size() + " times, give it once");
        }
        return values.isEmpty() ? null : values.get(0);
    }
}
