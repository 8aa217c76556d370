package io.certstream.client.cli;

import io.certstream.client.CertStreamOptions;
import io.certstream.client.StreamType;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The command line, parsed. Hand-rolled rather than a CLI library: seven flags do not justify a
 * dependency in a jar people download to grep certificates.
 *
 * @param json    print each raw message as one JSON line
 * @param stream  which stream to subscribe to ({@code --full}, {@code --domains-only}, default lite)
 * @param url     server URL
 * @param filter  domain regex, or null for everything: sent to the server ({@code match=}) and applied here too,
 *                for servers without server-side filters
 * @param query   the server-side filters as a query string ({@code match=...&type=...}), empty for none
 * @param verbose print connection details and heartbeats on stderr
 * @param noColor never colour the output
 * @param help    print usage and exit
 */
record CliOptions(boolean json, StreamType stream, String url, Pattern filter, String query, boolean verbose,
                  boolean noColor, boolean help) {

    static final String USAGE = """
            Usage: certstream [options]

            Streams certificates from a CertStream server as they are logged in Certificate Transparency.
            One line per certificate, "[timestamp] log-name - domain1, domain2", good for grepping.

            Options:
              --json              print each message as one raw JSON line (for jq); heartbeats are skipped
              --full              use the full stream (with as_der and chain) instead of the lite one
              --domains-only      use the domains-only stream (dns_entries messages)
              --url URL           server to connect to (default %s); the stream's path
                                  (/, /full-stream, /domains-only) is added when URL has none,
                                  a URL with a path of its own is used as given
              --filter REGEX      only certificates with a domain matching REGEX (case-insensitive, partial
                                  match); filtered by the server when it supports it (match=), here otherwise
              --domain NAME       only certificates for NAME or names under it (server-side, repeatable)
              --type TYPE         only x509 or precert entries (server-side)
              --dedup             each certificate once, not once per log (server-side)
              --since CURSOR      first replay what was published after CURSOR (a message's "cursor");
                                  the client always resumes from the last cursor when it reconnects
              --verbose           also print connection attempts and heartbeats on stderr
              --no-color          never colour the output (also: NO_COLOR set, or stdout not a terminal)
              -V, --version       print the version and the git commit it was built from
              -h, --help          print this help

            Status and errors go to stderr, so stdout stays clean for pipes. Ctrl-C exits.
            Example: certstream --json | jq -r '.data.leaf_cert.all_domains[]'
            """.formatted(CertStreamOptions.DEFAULT_URL);

    /**
     * Parses the arguments.
     *
     * @throws IllegalArgumentException with a message naming the offending argument
     */
    static CliOptions parse(String... args) {
        boolean json = false;
        boolean full = false;
        boolean domainsOnly = false;
        String url = CertStreamOptions.DEFAULT_URL;
        Pattern filter = null;
        boolean verbose = false;
        boolean noColor = false;
        boolean help = false;
        StringBuilder query = new StringBuilder();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            switch (arg) {
                case "--json" -> json = true;
                case "--full" -> full = true;
                case "--domains-only" -> domainsOnly = true;
                case "--verbose", "-v" -> verbose = true;
                case "--no-color", "--disable-colors" -> noColor = true;
                case "--help", "-h" -> help = true;
                case "--url" -> {
                    url = value != null ? value : next(args, ++i, "--url");
                }
                case "--filter" -> {
                    String regex = value != null ? value : next(args, ++i, "--filter");
                    try {
                        filter = Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
                    } catch (PatternSyntaxException e) {
                        throw new IllegalArgumentException("--filter: not a valid regular expression: " + e.getDescription()
                                + " in \"" + regex + "\"");
                    }
                    param(query, "match", regex);
                }
                case "--domain" -> param(query, "domain", value != null ? value : next(args, ++i, "--domain"));
                case "--type" -> {
                    String type = value != null ? value : next(args, ++i, "--type");
                    if (!type.equals("x509") && !type.equals("precert")) {
                        throw new IllegalArgumentException("--type: x509 or precert, got \"" + type + "\"");
                    }
                    param(query, "type", type);
                }
                case "--dedup" -> param(query, "dedup", "true");
                case "--since" -> param(query, "since", value != null ? value : next(args, ++i, "--since"));
                default -> throw new IllegalArgumentException("unknown option \"" + args[i] + "\"");
            }
        }
        if (full && domainsOnly) {
            throw new IllegalArgumentException("--full and --domains-only choose different streams; use one of them");
        }
        StreamType stream = full ? StreamType.FULL : domainsOnly ? StreamType.DOMAINS_ONLY : StreamType.LITE;
        // Validate the URL now, so a typo is a usage error rather than an endless retry loop.
        CertStreamOptions.defaults().withUrl(url);
        return new CliOptions(json, stream, url, filter, query.toString(), verbose, noColor, help);
    }

    /** The client options these flags ask for: the URL with the server-side filters added to its query. */
    CertStreamOptions clientOptions() {
        if (query.isEmpty()) {
            return CertStreamOptions.defaults().withUrl(url).withStream(stream);
        }
        return CertStreamOptions.defaults().withUrl(url + (url.contains("?") ? "&" : "?") + query).withStream(stream);
    }

    private static void param(StringBuilder query, String name, String value) {
        if (!query.isEmpty()) {
            query.append('&');
        }
        query.append(name).append('=').append(java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String next(String[] args, int i, String flag) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }
}
