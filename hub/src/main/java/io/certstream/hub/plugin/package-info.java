/**
 * Loading plugins (class path and the plugins directory, one class loader per jar) and running each
 * configured instance in its own verticle, fed through a bounded queue.
 */
package io.certstream.hub.plugin;
