package io.certstream.hub.sim;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Draws reproducible DNS names ({@code <word>-<n>.<tld>}, subdomains, wildcards and {@code xn--}
 * IDN labels) from a {@link Random}, so the same seed and index give the same names.
 */
final class DomainNames {

    private static final String[] WORDS = {
        "amber", "birch", "cobalt", "delta", "ember", "fjord", "granite", "harbor", "indigo", "juniper",
        "kestrel", "lumen", "meadow", "nimbus", "orchid", "pebble", "quartz", "raven", "sierra", "tundra",
        "umber", "velvet", "willow", "xenon", "yarrow", "zephyr", "atlas", "beacon", "cedar", "dune",
    };
    private static final String[] TLDS = {"com", "net", "org", "io", "dev", "de", "fr", "co.uk", "example", "test"};
    private static final String[] SUBDOMAINS = {"www", "mail", "api", "cdn", "shop", "app", "m", "static", "vpn", "blog"};
    /** Real punycode labels (münchen, bücher, café, 中国, пример, рф, ...). */
    private static final String[] IDN_LABELS = {
        "xn--mnchen-3ya", "xn--bcher-kva", "xn--caf-dma", "xn--fiqs8s", "xn--e1afmkfd", "xn--wgbh1c",
    };
    private static final String[] IDN_TLDS = {"xn--p1ai", "xn--fiqs8s", "xn--wgbh1c"};

    private DomainNames() {
    }

    /** One base name such as {@code cobalt-4711.dev} or {@code raven-12.xn--p1ai}. */
    static String baseName(Random random) {
        String word = WORDS[random.nextInt(WORDS.length)] + "-" + random.nextInt(100_000);
        int kind = random.nextInt(20);
        if (kind == 0) {
            return word + "." + IDN_TLDS[random.nextInt(IDN_TLDS.length)];
        }
        if (kind == 1) {
            return IDN_LABELS[random.nextInt(IDN_LABELS.length)] + "." + word + "." + TLDS[random.nextInt(TLDS.length)];
        }
        return word + "." + TLDS[random.nextInt(TLDS.length)];
    }

    /** 1..40 distinct DNS names for one certificate; most certificates have a few, some have many. */
    static List<String> sanNames(Random random) {
        int count = sanCount(random);
        Set<String> names = new LinkedHashSet<>();
        String base = baseName(random);
        names.add(random.nextInt(4) == 0 ? "*." + base : base);
        while (names.size() < count) {
            int kind = random.nextInt(10);
            if (kind < 4) {
                names.add(SUBDOMAINS[random.nextInt(SUBDOMAINS.length)] + "." + base);
            } else if (kind < 6) {
                names.add("*." + base);
                names.add(base);
            } else if (kind < 7) {
                names.add(IDN_LABELS[random.nextInt(IDN_LABELS.length)] + "." + base);
            } else {
                base = baseName(random);
                names.add(random.nextBoolean() ? "*." + base : base);
            }
        }
        return new ArrayList<>(names).subList(0, count);
    }

    private static int sanCount(Random random) {
        int bucket = random.nextInt(10);
        if (bucket < 5) {
            return 1 + random.nextInt(2);
        }
        if (bucket < 9) {
            return 3 + random.nextInt(6);
        }
        return 9 + random.nextInt(32);
    }
}
