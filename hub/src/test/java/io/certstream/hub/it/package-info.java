/**
 * End-to-end tests: the real hub on 127.0.0.1 following simulated (or recorded) CT logs, read by real websocket,
 * SockJS, TCP and JavaScript clients, checked against what the logs issued.
 */
package io.certstream.hub.it;
