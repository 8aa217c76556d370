package io.certstream.hub.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code config/hub.json} is the only place a default is written; the README's configuration table documents it.
 * Both must name the same keys with the same defaults, so a key added to one and forgotten in the other fails here.
 */
class ConfigDocsTest {
    /** A table row: {@code | `server.port` | `8080` | meaning |}; the default is the first code span of its cell. */
    private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\| ([^|]*?) \\|");
    private static final Pattern CODE = Pattern.compile("`([^`]*)`");

    @Test
    void readmeTableAndHubJsonAgreeKeyByKey() throws Exception {
        Map<String, String> documented = readmeTable();
        Map<String, String> defaults = new LinkedHashMap<>();
        leaves(ConfigLoader.defaults(), "", defaults);
        assertFalse(defaults.isEmpty(), "config/hub.json has no keys");

        List<String> problems = new ArrayList<>();
        defaults.forEach((key, value) -> {
            if (!documented.containsKey(key)) {
                problems.add(key + " is in config/hub.json but not in README.md's configuration table");
            } else if (!value.equals(documented.get(key))) {
                problems.add(key + ": README.md documents the default `" + documented.get(key)
                        + "`, config/hub.json has `" + value + "`");
            }
        });
        documented.keySet().stream().filter(key -> !defaults.containsKey(key))
                .forEach(key -> problems.add(key + " is documented in README.md but is not a key of config/hub.json"));
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void theTableIsFoundAndReadAsExpected() throws Exception {
        // Guards the parser above: if the README's table changed shape, the comparison would compare nothing.
        Map<String, String> documented = readmeTable();
        assertEquals("8080", documented.get("server.port"));
        assertEquals("usable, qualified, readonly", documented.get("logList.states"));
        assertEquals("[]", documented.get("plugins"));
    }

    private static Map<String, String> readmeTable() throws Exception {
        Path readme = Path.of(System.getProperty("project.root", ".."), "README.md");
        List<String> lines = Files.readAllLines(readme);
        int start = lines.indexOf("## Configuration");
        assertTrue(start >= 0, readme + " has no \"## Configuration\" section");
        Map<String, String> table = new LinkedHashMap<>();
        for (int i = start + 1; i < lines.size() && !lines.get(i).startsWith("## "); i++) {
            Matcher row = ROW.matcher(lines.get(i));
            if (row.find()) {
                Matcher code = CODE.matcher(row.group(2));
                assertTrue(code.find(), "README.md: the default of " + row.group(1) + " is not in `code`: " + row.group(2));
                table.put(row.group(1), code.group(1));
            }
        }
        return table;
    }

    /**
     * Leaf keys with their default as the README writes it: lists of strings comma-separated, {@code []} if empty,
     * an empty string as {@code ""}.
     */
    private static void leaves(JsonObject json, String path, Map<String, String> out) {
        for (Map.Entry<String, Object> e : json) {
            String key = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            if (e.getValue() instanceof JsonObject object) {
                leaves(object, key, out);
            } else if (e.getValue() instanceof JsonArray array) {
                out.put(key, array.isEmpty() ? "[]"
                        : array.stream().map(String::valueOf).collect(Collectors.joining(", ")));
            } else if ("".equals(e.getValue())) {
                out.put(key, "\"\""); // an empty code span cannot be written: the README shows `""`
            } else {
                out.put(key, String.valueOf(e.getValue()));
            }
        }
    }
}
