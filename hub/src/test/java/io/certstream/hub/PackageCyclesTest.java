package io.certstream.hub;

import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Data flows one way through the hub's packages (log list -> watchers -> decode -> publish -> web, bridge,
 * plugins): a package never uses one that uses it back. Read from the compiled classes' constant pools, so it sees
 * every reference the JVM would resolve, imports or not.
 */
class PackageCyclesTest {
    private static final String ROOT = "io/certstream/hub/";
    private static final Pattern REFERENCE = Pattern.compile("io/certstream/hub/((?:[a-z0-9_]+/)*)[A-Z]");

    @Test
    void hubPackagesFormNoCycle() throws Exception {
        Map<String, Set<String>> uses = packageGraph(classesDirectory());
        assertTrue(uses.size() >= 10, "expected the hub's packages, found " + uses.keySet());
        List<List<String>> cycles = cycles(uses);
        assertEquals(List.of(), cycles, "package cycles (each list is a set of packages that use each other); graph: "
                + uses);
    }

    @Test
    void detectsACycleWhenThereIsOne() {
        Map<String, Set<String>> uses = new TreeMap<>();
        uses.put("a", Set.of("b"));
        uses.put("b", Set.of("c"));
        uses.put("c", Set.of("a"));
        uses.put("d", Set.of("a"));
        assertEquals(List.of(List.of("a", "b", "c")), cycles(uses));
    }

    private static Path classesDirectory() throws URISyntaxException {
        return Path.of(Hub.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** Package -> the other hub packages its classes refer to. */
    static Map<String, Set<String>> packageGraph(Path classes) throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(classes.resolve(ROOT))) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                String from = packageOf(classes.relativize(file).toString().replace('\\', '/'));
                Set<String> targets = uses.computeIfAbsent(from, p -> new TreeSet<>());
                try (InputStream in = Files.newInputStream(file)) {
                    for (String text : utf8Constants(in)) {
                        Matcher m = REFERENCE.matcher(text);
                        while (m.find()) {
                            String to = packageOf(ROOT + m.group(1) + "X");
                            if (!to.equals(from)) {
                                targets.add(to);
                            }
                        }
                    }
                }
            }
        }
        return uses;
    }

    private static String packageOf(String classFile) {
        String dir = classFile.substring(0, classFile.lastIndexOf('/'));
        return dir.replace('/', '.');
    }

    /** The UTF-8 entries of a class file's constant pool: class names, descriptors and signatures among them. */
    private static List<String> utf8Constants(InputStream raw) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        in.readInt();            // magic
        in.readUnsignedShort();  // minor
        in.readUnsignedShort();  // major
        int count = in.readUnsignedShort();
        List<String> texts = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> texts.add(in.readUTF());
                case 7, 8, 16, 19, 20 -> in.skipBytes(2);
                case 15 -> in.skipBytes(3);
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
                case 5, 6 -> {
                    in.skipBytes(8);
                    i++;         // longs and doubles take two entries
                }
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        return texts;
    }

    /** Strongly connected components of more than one package (Tarjan), each sorted, in order of their first member. */
    static List<List<String>> cycles(Map<String, Set<String>> uses) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<List<String>> found = new ArrayList<>();
        for (String start : uses.keySet()) {
            if (!index.containsKey(start)) {
                connect(start, uses, index, low, stack, onStack, found);
            }
        }
        found.sort((a, b) -> a.get(0).compareTo(b.get(0)));
        return found;
    }

    private static void connect(String v, Map<String, Set<String>> uses, Map<String, Integer> index,
                                Map<String, Integer> low, Deque<String> stack, Set<String> onStack,
                                List<List<String>> found) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.push(v);
        onStack.add(v);
        for (String w : uses.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                connect(w, uses, index, low, stack, onStack, found);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            List<String> component = new ArrayList<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                component.sort(null);
                found.add(component);
            }
        }
    }
}
