/**
 * What the hub's tests (and the client's and plugins' through the test jar) share: a running hub, the hub on a
 * simulated log ({@link io.certstream.hub.testing.HubOnSimulatedLog}), raw websockets, log capture, CT data.
 */
package io.certstream.hub.testing;
