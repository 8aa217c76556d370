package io.certstream.hub.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which logs of the log lists are watched ({@code logList.include}, {@code logList.exclude},
 * {@code logList.operators}). A pattern is a glob ({@code *} any characters, {@code ?} one), matched case-insensitively
 * against the whole of the log's name, its operator or its URL; a pattern written between slashes
 * ({@code /argon20(25|26)/}) is a Java regular expression, found anywhere in them, case-insensitively. A log is
 * watched when its operator is one of {@code operators} (if any are given; exact names, any case), some
 * {@code include} pattern matches it (if any are given) and no {@code exclude} pattern does. Logs configured by hand
 * under {@code logs} are always watched.
 */
public record LogSelection(List<Pattern> include, List<Pattern> exclude, List<String> operators) {

    public static final LogSelection ALL = new LogSelection(List.of(), List.of(), List.of());

    static LogSelection read(ConfigReader l) {
        return new LogSelection(patterns(l, "include"), patterns(l, "exclude"),
                l.strings("operators").stream().map(String::trim).filter(o -> !o.isEmpty()).toList());
    }

    public static Pattern compile(String text) {
        if (text.length() >= 2 && text.startsWith("/") && text.endsWith("/")) {
            return Pattern.compile(text.substring(1, text.length() - 1), Pattern.CASE_INSENSITIVE);
        }
        StringBuilder regex = new StringBuilder("^");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.append('$').toString(), Pattern.CASE_INSENSITIVE);
    }

    private static List<Pattern> patterns(ConfigReader l, String key) {
        List<Pattern> out = new ArrayList<>();
        for (String text : l.strings(key)) {
            if (text.isBlank()) {
                throw l.error(key, "has an empty pattern");
            }
            try {
                out.add(compile(text.trim()));
            } catch (PatternSyntaxException e) {
                throw l.error(key, "has \"" + text + "\", not a valid regular expression: " + e.getDescription());
            }
        }
        return List.copyOf(out);
    }

    /** Whether a listed log with this name, operator (may be null) and URL is watched. */
    public boolean selects(String name, String operator, String url) {
        if (!operators.isEmpty() && (operator == null
                || operators.stream().noneMatch(o -> o.toLowerCase(Locale.ROOT).equals(operator.toLowerCase(Locale.ROOT))))) {
            return false;
        }
        if (!include.isEmpty() && include.stream().noneMatch(p -> matches(p, name, operator, url))) {
            return false;
        }
        return exclude.stream().noneMatch(p -> matches(p, name, operator, url));
    }

    private static boolean matches(Pattern p, String... fields) {
        for (String field : fields) {
            if (field != null && p.matcher(field).find()) {
                return true;
            }
        }
        return false;
    }

    public boolean selectsAll() {
        return include.isEmpty() && exclude.isEmpty() && operators.isEmpty();
    }

    @Override
    public String toString() {
        return "include=" + include + " exclude=" + exclude + " operators=" + operators;
    }
}
