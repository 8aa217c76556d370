package io.certstream.hub.wire;

import io.vertx.core.spi.JsonFactory;
import io.vertx.core.spi.json.JsonCodec;

/**
 * Gives Vert.x the hub's {@link HubJsonCodec} (registered in {@code META-INF/services/io.vertx.core.spi.JsonFactory}):
 * Vert.x takes the {@code JsonFactory} service of the lowest order, its own Jackson factory only when there is none.
 */
public final class HubJsonFactory implements JsonFactory {

    private static final HubJsonCodec CODEC = new HubJsonCodec();

    @Override
    public int order() {
        return 0;
    }

    @Override
    public JsonCodec codec() {
        return CODEC;
    }
}
