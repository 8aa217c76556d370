package io.certstream.hub.web;

import io.certstream.hub.publish.Published;
import io.certstream.hub.wire.StreamType;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * One web verticle's subscribers, grouped by identical filter. A certificate is tested once per group, not per
 * client, and groups with {@code domain=} are found through one hash map from domain name to groups: a
 * certificate costs a few look-ups per domain (its name and each parent) however many such groups there are;
 * only the groups without {@code domain=} (match, type, log, dedup alone) are tested one by one. Every client of a
 * matching group gets the same bytes. Event-loop confined.
 */
final class Audience {
    private final Map<StreamFilter, Group> groups = new HashMap<>();
    /** Domain name -> groups that asked for it (or a parent of it). */
    private final Map<String, List<Group>> byDomain = new HashMap<>();
    /** Groups tested one by one: no domain criterion (the unfiltered group among them). */
    private final List<Group> scanned = new ArrayList<>();
    private final Map<StreamType, Integer> counts = new EnumMap<>(StreamType.class);
    /** Subscribers found closed during a delivery, removed after it (the groups are being walked meanwhile). */
    private final List<Subscriber> gone = new ArrayList<>();
    private long epoch;

    private static final class Group {
        final StreamFilter filter;
        final Pattern compiled;
        final Map<StreamType, Set<Subscriber>> members = new EnumMap<>(StreamType.class);
        long seen;

        Group(StreamFilter filter) {
            this.filter = filter;
            this.compiled = filter.compile();
        }

        boolean isEmpty() {
            return members.values().stream().allMatch(Set::isEmpty);
        }
    }

    void add(Subscriber s) {
        Group g = groups.computeIfAbsent(s.filter, f -> {
            Group created = new Group(f);
            if (f.domains().isEmpty()) {
                scanned.add(created);
            } else {
                for (String d : f.domains()) {
                    byDomain.computeIfAbsent(d, x -> new ArrayList<>(1)).add(created);
                }
            }
            return created;
        });
        g.members.computeIfAbsent(s.stream, t -> new LinkedHashSet<>()).add(s);
        counts.merge(s.stream, 1, Integer::sum);
    }

    /** Returns true when {@code s} was still a member (so the caller counts its disconnection once). */
    boolean remove(Subscriber s) {
        Group g = groups.get(s.filter);
        if (g == null) {
            return false;
        }
        Set<Subscriber> set = g.members.get(s.stream);
        if (set == null || !set.remove(s)) {
            return false;
        }
        counts.merge(s.stream, -1, Integer::sum);
        if (g.isEmpty()) {
            groups.remove(s.filter);
            scanned.remove(g);
            for (String d : g.filter.domains()) {
                List<Group> list = byDomain.get(d);
                list.remove(g);
                if (list.isEmpty()) {
                    byDomain.remove(d);
                }
            }
        }
        return true;
    }

    int count(StreamType stream) {
        return counts.getOrDefault(stream, 0);
    }

    int groups() {
        return groups.size();
    }

    /**
     * Sends {@code p} to every subscriber whose filter it passes, on the streams not in {@code shed}.
     * {@code closed} is called for each subscriber found closed (already removed).
     */
    void deliver(Published p, boolean[] shed, long now, Consumer<Subscriber> closed) {
        epoch++;
        SharedFrames frames = new SharedFrames(p);
        try {
            for (int i = 0; i < scanned.size(); i++) {
                Group g = scanned.get(i);
                if (g.filter.isNone() || g.filter.testExceptDomains(p, g.compiled)) {
                    send(g, p, frames, shed, now);
                }
            }
            if (!byDomain.isEmpty()) {
                deliverByDomain(p, frames, shed, now);
            }
        } finally {
            // Every client's write holds its own reference to the websocket frames it was given.
            frames.release();
        }
        removeGone(closed);
    }

    private void deliverByDomain(Published p, SharedFrames frames, boolean[] shed, long now) {
        List<Group> matched = null;
        for (String domain : p.facts().domains()) {
            for (String name = StreamFilter.normalizedCertName(domain); name != null; name = StreamFilter.parent(name)) {
                List<Group> found = byDomain.get(name);
                if (found == null) {
                    continue;
                }
                for (Group g : found) {
                    if (g.seen != epoch) {
                        g.seen = epoch;
                        if (g.filter.testExceptDomains(p, g.compiled)) {
                            if (matched == null) {
                                matched = new ArrayList<>(4);
                            }
                            matched.add(g);
                        }
                    }
                }
            }
        }
        if (matched != null) {
            for (Group g : matched) {
                send(g, p, frames, shed, now);
            }
        }
    }

    /** Heartbeats for every subscriber of every group. */
    void heartbeat(Buffer json, Buffer sseComment, long now, Consumer<Subscriber> closed) {
        for (Group g : groups.values()) {
            for (Set<Subscriber> set : g.members.values()) {
                collectClosed(set, s -> s.heartbeat(s instanceof SseSubscriber ? sseComment : json, now));
            }
        }
        removeGone(closed);
    }

    private void send(Group g, Published p, SharedFrames frames, boolean[] shed, long now) {
        for (Map.Entry<StreamType, Set<Subscriber>> e : g.members.entrySet()) {
            if (shed[e.getKey().ordinal()] || e.getValue().isEmpty()) {
                continue;
            }
            Buffer ws = p.message(e.getKey());
            collectClosed(e.getValue(), s -> s.live(p, s instanceof SseSubscriber ? s.frame(p, frames) : ws, frames, now));
        }
    }

    private interface Send {
        boolean send(Subscriber s);
    }

    private void collectClosed(Set<Subscriber> set, Send send) {
        for (Subscriber s : set) {
            if (!send.send(s)) {
                gone.add(s);
            }
        }
    }

    private void removeGone(Consumer<Subscriber> closed) {
        if (gone.isEmpty()) {
            return;
        }
        for (Subscriber s : gone) {
            if (remove(s)) {
                closed.accept(s);
            }
        }
        gone.clear();
    }
}
