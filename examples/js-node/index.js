#!/usr/bin/env node
// Follows the CertStream hub's event bus through its SockJS bridge and prints one line per certificate:
//   [12:00:01] Simulated Log #42 precert: example.com, www.example.com
//
// Usage: node index.js [bridge-url] [--address ADDRESS] [--count N]
//   bridge-url  default http://localhost:8080/eventbus
//   --address   bridge address to follow (default certstream.lite); e.g. certstream.lite.precert,
//               certstream.lite.domain.example.com (see the hub's README, "Event-bus bridge")
//   --count N   exit after N certificates (default: run until Ctrl-C)
'use strict';
const EventBus = require('@vertx/eventbus-bridge-client.js');

function parseArgs(argv) {
  const options = { url: 'http://localhost:8080/eventbus', address: 'certstream.lite', count: Infinity };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--address') options.address = argv[++i];
    else if (arg === '--count') options.count = parseInt(argv[++i], 10);
    else if (arg === '--help' || arg === '-h') {
      console.log('Usage: node index.js [bridge-url] [--address ADDRESS] [--count N]');
      process.exit(0);
    } else if (arg.startsWith('--')) {
      console.error(`unknown option ${arg} (try --help)`);
      process.exit(2);
    } else options.url = arg;
  }
  if (!(options.count > 0)) {
    console.error('--count needs a positive number');
    process.exit(2);
  }
  return options;
}

const options = parseArgs(process.argv.slice(2));
const eb = new EventBus(options.url);
eb.enableReconnect(true);
let received = 0;

eb.onopen = () => {
  // Status goes to stderr so that stdout is one line per certificate (pipe it into grep).
  console.error(`connected to ${options.url}, following ${options.address}`);
  eb.registerHandler(options.address, (err, msg) => {
    if (err) {
      console.error(`bridge refused ${options.address}: ${err.message || JSON.stringify(err)}`);
      process.exit(1);
    }
    const m = msg.body;
    if (!m || m.message_type !== 'certificate_update') return;
    const d = m.data;
    const time = new Date(d.seen * 1000).toISOString().substring(11, 19);
    const kind = d.update_type === 'PrecertLogEntry' ? 'precert' : 'cert';
    console.log(`[${time}] ${d.source.name} #${d.cert_index} ${kind}: ${d.leaf_cert.all_domains.join(', ')}`);
    if (++received >= options.count) {
      eb.close();
      process.exit(0);
    }
  });
};
eb.onclose = () => console.error(`disconnected from ${options.url}; retrying`);
// The bridge refuses a registration with {"type":"err","body":"access_denied"}, which names no address: the client
// library hands it to onerror, never to the handler's callback. The only thing this program asks for is its address.
eb.onerror = (e) => {
  const reason = e && (e.body || e.message) || e;
  if (reason === 'access_denied' || reason === 'rejected') {
    console.error(`bridge refused ${options.address}: ${reason} (see the hub's README, "Event-bus bridge", for the addresses)`);
    process.exit(1);
  }
  console.error(`bridge error: ${reason}`);
};
process.on('SIGINT', () => { eb.close(); process.exit(0); });
