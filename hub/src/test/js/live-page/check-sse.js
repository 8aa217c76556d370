// Usage: node check-sse.js <chromium> <hub base url> <first> <total>
// Opens a page of the hub in headless Chromium and follows /sse with the browser's own EventSource. Prints
// "READY <n>" once <first> events arrived (the test then restarts the hub), and at the end one JSON line:
// {indexes: [cert_index...], ids: [lastEventId...], cursors: [data.cursor...], errors: <EventSource error events>}
// after <total> certificate events, however many times EventSource had to reconnect (with Last-Event-ID).
const { chromium } = require('playwright-core');

const [executablePath, base, firstArg, totalArg] = process.argv.slice(2);
const first = parseInt(firstArg, 10);
const total = parseInt(totalArg, 10);

(async () => {
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    await page.goto(`${base}/stats`);
    await page.evaluate(() => {
      window.got = { indexes: [], ids: [], cursors: [], errors: 0 };
      const source = new EventSource('/sse?stream=lite');
      source.onmessage = (e) => {
        const m = JSON.parse(e.data);
        if (m.message_type !== 'certificate_update') return;
        window.got.indexes.push(m.data.cert_index);
        window.got.ids.push(e.lastEventId);
        window.got.cursors.push(m.cursor);
      };
      source.onerror = () => { window.got.errors += 1; };
    });
    await page.waitForFunction((n) => window.got.indexes.length >= n, first, { timeout: 60000 });
    console.log(`READY ${await page.evaluate(() => window.got.indexes.length)}`);
    await page.waitForFunction((n) => window.got.indexes.length >= n, total, { timeout: 120000 });
    console.log(JSON.stringify(await page.evaluate(() => window.got)));
  } finally {
    await browser.close();
  }
})().catch((e) => {
  console.error(e && e.stack || e);
  process.exit(1);
});
