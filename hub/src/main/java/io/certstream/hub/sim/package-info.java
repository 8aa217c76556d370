/**
 * A simulated CT log for the offline demo ({@code --demo}) and for integration tests: an RFC 6962 API and a
 * static-ct-api tiled view ({@code <url>/tiled}) of the same tree.
 *
 * <pre>{@code
 * SimulatedCtLog log = SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
 *         .withInitialSize(100).withEntriesPerSecond(0)).toCompletionStage().toCompletableFuture().get();
 * // point the hub's log discovery at log.logListUrl(), or a log client at log.url()
 * log.append(10);                       // grow on demand
 * IssuedEntry expected = log.entry(42); // what the hub should decode at index 42
 * }</pre>
 *
 * <p>Layout: {@link io.certstream.hub.sim.CertificateMint} makes certificates,
 * {@link io.certstream.hub.sim.CtEncoding} turns them into RFC 6962 bytes, {@code SimulatedLogStore}
 * keeps the entries and their Merkle tree, {@code Rfc6962Api} serves them and {@code TiledApi} serves
 * the same tree as a signed checkpoint, hash tiles, data tiles and issuers. Handlers mounted in front
 * of the API routes (fault injection) can be added without changing those classes.
 */
package io.certstream.hub.sim;
