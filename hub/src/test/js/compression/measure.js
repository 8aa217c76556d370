// Usage: node measure.js <ws url> <count>
// Opens two websockets to the same stream at once: one offering permessage-deflate (ws's default), one not.
// Once each has received <count> certificate messages, prints one JSON line:
// {deflate: {extensions, messages, payloadBytes, wireBytes, cursors}, plain: {...}}
// payloadBytes: the text of the messages; wireBytes: what came off the TCP socket (frames, compressed or not).
const WebSocket = require('ws');

const [url, countArg] = process.argv.slice(2);
const wanted = parseInt(countArg, 10);
const result = {};

function follow(name, perMessageDeflate) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate });
    const r = { extensions: '', messages: 0, payloadBytes: 0, wireBytes: 0, cursors: [] };
    let startRead = 0;
    ws.on('open', () => {
      r.extensions = ws.extensions;
      startRead = ws._socket.bytesRead;
    });
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString('utf8'));
      if (m.message_type !== 'certificate_update' && m.message_type !== 'dns_entries') return;
      r.messages += 1;
      r.payloadBytes += data.length;
      r.cursors.push(m.cursor);
      if (r.messages === wanted) {
        r.wireBytes = ws._socket.bytesRead - startRead;
        result[name] = r;
        ws.close();
        resolve();
      }
    });
    ws.on('error', reject);
  });
}

const timer = setTimeout(() => {
  console.error(`timed out: ${JSON.stringify(Object.keys(result))}`);
  process.exit(1);
}, 90000);

Promise.all([follow('deflate', true), follow('plain', false)]).then(() => {
  clearTimeout(timer);
  console.log(JSON.stringify(result));
  process.exit(0);
}).catch((e) => {
  console.error(e && e.stack || e);
  process.exit(1);
});
