/**
 * The end-to-end load harness ({@code bench/run-load}): a log with a backlog, the hub in its own JVM, websocket
 * clients in this one; measures catch-up rate, delivery latency and the hub's resources, and writes a report.
 */
package io.certstream.bench.load;
