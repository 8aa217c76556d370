package io.certstream.bench.load;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One different {@code domain=} filter per client for the filtered phase: half of them (up to the number of distinct
 * names in the pool) names that certificates of the log carry, so they match some entries, the others names no
 * certificate has. Knows how many of the clients each log entry matches, so the phase can tell what was expected.
 * Matching is the hub's (docs/streams.md): a certificate matches {@code domain=NAME} when one of its domains, lower
 * case, without a leading {@code *.} or a trailing dot, is NAME or under it.
 */
final class DomainFilters {
    private final List<String> names;
    private final int matching;
    /** For each pool template: how many of the filters its domains match (each filter counts once). */
    private final int[] matchesPerTemplate;
    private final EntryPool pool;

    private DomainFilters(List<String> names, int matching, int[] matchesPerTemplate, EntryPool pool) {
        this.names = names;
        this.matching = matching;
        this.matchesPerTemplate = matchesPerTemplate;
        this.pool = pool;
    }

    static DomainFilters of(EntryPool pool, int count) {
        Set<String> seen = new LinkedHashSet<>();
        for (int t = 0; t < pool.size(); t++) {
            for (String d : pool.domains(t)) {
                String n = normalized(d);
                // Plain ASCII host names with a dot: no IP addresses, nothing the URL would need to escape.
                if (n != null && n.indexOf('.') > 0 && n.matches("[a-z0-9.-]+")) {
                    seen.add(n);
                }
            }
        }
        List<String> real = new ArrayList<>(seen);
        int matching = Math.min((count + 1) / 2, real.size());
        List<String> names = new ArrayList<>(count);
        // Spread over the pool rather than its first entries only.
        for (int i = 0; i < matching; i++) {
            names.add(real.get((int) ((long) i * real.size() / matching)));
        }
        for (int i = names.size(); i < count; i++) {
            names.add("no-such-name-" + i + ".invalid");
        }
        Set<String> filterSet = new HashSet<>(names);
        int[] perTemplate = new int[pool.size()];
        for (int t = 0; t < pool.size(); t++) {
            Set<String> hit = new HashSet<>();
            for (String d : pool.domains(t)) {
                for (String n = normalized(d); n != null; n = parent(n)) {
                    if (filterSet.contains(n)) {
                        hit.add(n);
                    }
                }
            }
            perTemplate[t] = hit.size();
        }
        return new DomainFilters(List.copyOf(names), matching, perTemplate, pool);
    }

    /** The filter of each client, in order. */
    List<String> names() {
        return names;
    }

    /** How many of the filters are names some certificate carries. */
    int matching() {
        return matching;
    }

    /** Messages all the filtered clients together should get for log entries [from, to). */
    long expected(long from, long to) {
        long sum = 0;
        for (long i = from; i < to; i++) {
            sum += matchesPerTemplate[(int) (i % pool.size())];
        }
        return sum;
    }

    private static String normalized(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        if (d.startsWith("*.")) {
            d = d.substring(2);
        }
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        return d.isEmpty() ? null : d;
    }

    private static String parent(String name) {
        int dot = name.indexOf('.');
        return dot < 0 || dot == name.length() - 1 ? null : name.substring(dot + 1);
    }
}
