package io.certstream.plugin;

import io.vertx.core.Future;

import java.util.Locale;

/**
 * Messages of one bus address on their way to one plugin, through a bounded queue: returned by
 * {@link PluginContext#subscribe}. The hub implements it (a plugin that falls behind loses messages, counted as
 * {@link #droppedMetric}, instead of slowing the hub or filling its heap); plugins only use it.
 *
 * @param <T> the message body type, e.g. {@link io.certstream.model.CertificateUpdate} for {@link BusAddresses#UPDATES}
 */
public interface Subscription<T> {

    /** The address this subscription receives. */
    String address();

    /** Bodies waiting for the plugin. */
    int queued();

    /** Completes once the hub receives the address: messages published after that reach the plugin. */
    Future<Void> registered();

    /** Stops delivery; bodies still queued are discarded. The hub stops receiving the address. */
    void cancel();

    /**
     * Stops receiving and hands the bodies already queued to the handler: for a plugin's {@link Plugin#stop}
     * that must not lose what it was given (e.g. to write it to disk).
     *
     * @return completes when the queue is empty
     */
    Future<Void> close();

    /**
     * The name of the counter of dropped bodies in the plugin's {@link PluginMetrics}, e.g.
     * {@code dropped_certstream_updates} for {@link BusAddresses#UPDATES}.
     */
    static String droppedMetric(String address) {
        return "dropped_" + address.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
    }
}
