/**
 * Following CT logs: the log list and directory, the watcher loop every log shares (fetch, decode, hand to an
 * {@link io.certstream.hub.ct.UpdateSink}), HTTP to logs paced per operator, tree-head verification and saved
 * positions.
 */
package io.certstream.hub.ct;
