package io.certstream.hub.ct;

import io.certstream.hub.config.HubConfig.StartPosition;
import io.certstream.model.LogSource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import io.certstream.hub.config.LogSelection;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;

/**
 * Reads a Chrome-style CT log list (v3 schema, also used by Apple): {@code operators[].logs[]} are RFC 6962 logs,
 * {@code operators[].tiled_logs[]} are static-ct-api logs. Keeps the logs whose state is one of {@code states}.
 */
public final class LogList {
    private LogList() {
    }

    public static List<CtLog> parse(JsonObject list, List<String> states, StartPosition start) {
        return parse(list, states, start, LogSelection.ALL, new HashSet<>());
    }

    /**
     * @param selection  which logs to keep ({@code logList.include}/{@code exclude}/{@code operators})
     * @param seenLogIds log ids already taken from an earlier list: those logs are skipped here, and this list's are
     *                   added, so that a log both Chrome's and Apple's lists name is watched once
     */
    public static List<CtLog> parse(JsonObject list, List<String> states, StartPosition start, LogSelection selection,
                                    Set<String> seenLogIds) {
        JsonArray operators = list.getJsonArray("operators");
        if (operators == null) {
            throw new IllegalArgumentException("not a v3 log list: no \"operators\" array");
        }
        List<CtLog> logs = new ArrayList<>();
        Set<String> listed = new HashSet<>();
        for (Object o : operators) {
            if (!(o instanceof JsonObject operator)) {
                continue;
            }
            String operatorName = operator.getString("name");
            for (Object l : operator.getJsonArray("logs", new JsonArray())) {
                if (l instanceof JsonObject log && log.getString("url") != null && firstSeen(log, seenLogIds, listed)) {
                    add(logs, log, log.getString("url"), LogSource.RFC6962, operatorName, states, start);
                }
            }
            for (Object l : operator.getJsonArray("tiled_logs", new JsonArray())) {
                if (l instanceof JsonObject log && log.getString("monitoring_url") != null && firstSeen(log, seenLogIds, listed)) {
                    add(logs, log, log.getString("monitoring_url"), LogSource.TILED, operatorName, states, start);
                }
            }
        }
        seenLogIds.addAll(listed);
        logs.removeIf(log -> !selection.selects(log.name(), log.operator(), log.url()));
        return logs;
    }

    /**
     * Whether no earlier list had this log (by {@code log_id}). Within one list every entry counts (a log may be
     * listed both with its RFC 6962 API and as a tiled log); a log without an id is kept (deduplicated by URL later).
     */
    private static boolean firstSeen(JsonObject log, Set<String> seenLogIds, Set<String> listed) {
        Object id = log.getValue("log_id");
        if (!(id instanceof String s)) {
            return true;
        }
        listed.add(s);
        return !seenLogIds.contains(s);
    }

    private static void add(List<CtLog> logs, JsonObject log, String url, String kind, String operator,
                            List<String> states, StartPosition start) {
        JsonObject state = log.getJsonObject("state");
        String stateName = state == null || state.isEmpty() ? null : state.fieldNames().iterator().next();
        if (stateName == null || !states.contains(stateName)) {
            return;
        }
        Long finalTreeSize = null;
        String finalRootHash = null;
        if (stateName.equals("readonly")) {
            JsonObject head = state.getJsonObject("readonly").getJsonObject("final_tree_head");
            if (head != null && head.getValue("tree_size") instanceof Number n) {
                finalTreeSize = n.longValue();
                finalRootHash = head.getValue("sha256_root_hash") instanceof String root ? root : null;
            }
        }
        String trimmed = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        String name = log.getString("description", trimmed);
        logs.add(new CtLog(trimmed, name, operator, kind, log.getString("key"), finalTreeSize, start, finalRootHash));
    }
}
