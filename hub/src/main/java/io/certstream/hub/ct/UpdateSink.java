package io.certstream.hub.ct;

import io.certstream.hub.wire.EncodedUpdate;

import java.util.List;

/** Where a watcher hands the certificates it decoded, in log order: the watchers' only way out. */
public interface UpdateSink {
    void publish(List<EncodedUpdate> updates);
}
