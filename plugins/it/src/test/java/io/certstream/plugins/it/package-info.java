/**
 * Acceptance tests of the shipped plugins together with the hub and a simulated CT log: keyword alerts to a
 * webhook or Slack, the example configs and the packaged jars.
 */
package io.certstream.plugins.it;
