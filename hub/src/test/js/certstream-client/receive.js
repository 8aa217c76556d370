// Usage: node receive.js <ws url> <count>
// Connects with the official CertStream JS client and prints one JSON line per certificate_update
// ({cert_index, update_type, all_domains, source_url, cursor}) until <count> arrived, then exits 0.
// The url may carry the hub's query parameters (e.g. ?since=CURSOR): the client passes it on unchanged.
const CertStreamClient = require('certstream');

const [url, countArg] = process.argv.slice(2);
const wanted = parseInt(countArg || '1', 10);
let seen = 0;

const timer = setTimeout(() => {
  console.error(`timed out after receiving ${seen} of ${wanted} certificates`);
  process.exit(1);
}, 60000);

const client = new CertStreamClient((message) => {
  if (message.message_type !== 'certificate_update') return;
  const data = message.data;
  console.log(JSON.stringify({
    cert_index: data.cert_index,
    update_type: data.update_type,
    all_domains: data.leaf_cert.all_domains,
    source_url: data.source.url,
    cursor: message.cursor,
  }));
  if (++seen >= wanted) {
    clearTimeout(timer);
    process.exit(0);
  }
}, true);
client.connect(url);
