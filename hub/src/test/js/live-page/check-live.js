// Usage: node check-live.js <chromium> <page url> <screenshot.png> <rows>
// Opens the hub's /live page in headless Chromium, waits until <rows> certificates are in the table and the
// certs/s counter moved, writes a screenshot, tries the filter box, and prints one JSON object on stdout:
// {status, rate, total, rows: [{index, domains (all, from the tooltip), shown, more, issuer, log}],
//  filter: {query, visible: [domains...]}, domainChannel: [cert_index...] shown with domain=com,
//  highlighted: [the <mark>ed domains then], legend: the per-log chart's legend}.
const { chromium } = require('playwright-core');

const [executablePath, url, screenshot, rowsArg] = process.argv.slice(2);
const wanted = parseInt(rowsArg, 10);

(async () => {
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    // Flags for a root user in a sandboxed machine with no internet: no sandbox, no background connections.
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    page.on('console', (m) => console.error(`page console ${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    await page.goto(url);
    await page.waitForFunction(() => document.getElementById('status').textContent === 'connected', null, { timeout: 30000 });
    console.error('page connected');
    await page.waitForFunction((n) => document.querySelectorAll('#rows tr').length >= n
        && parseFloat(document.getElementById('rate').textContent) > 0, wanted, { timeout: 90000 });
    const result = await page.evaluate(() => ({
      status: document.getElementById('status').textContent,
      rate: parseFloat(document.getElementById('rate').textContent),
      rows: Array.from(document.querySelectorAll('#rows tr')).map((tr) => ({
        index: Number(tr.dataset.index),
        domains: tr.querySelector('td.domains').title,
        shown: tr.querySelector('td.domains').firstChild.textContent,
        more: (tr.querySelector('td.domains .more') || { textContent: '' }).textContent,
        issuer: tr.querySelector('td.issuer').textContent,
        log: tr.querySelector('td.log').textContent,
      })),
    }));
    await page.screenshot({ path: screenshot });

    // The filter keeps only rows whose text matches: take a domain shown in the oldest row.
    const query = result.rows[result.rows.length - 1].domains.split(', ')[0];
    await page.fill('#filter', query);
    const visible = await page.$$eval('#rows tr', (trs) => trs.filter((tr) => !tr.hidden)
        .map((tr) => tr.querySelector('td.domains').title));
    result.filter = { query, visible };
    await page.fill('#filter', '');

    // A server-side filter: the hub then sends only certificates with a domain under "com".
    await page.fill('#domain', 'com');
    await page.press('#domain', 'Enter');
    await page.waitForFunction(() => document.querySelectorAll('#rows tr').length >= 2, null, { timeout: 90000 });
    result.domainChannel = await page.$$eval('#rows tr', (trs) => trs.map((tr) => Number(tr.dataset.index)));
    result.highlighted = await page.$$eval('#rows tr td.domains mark', (ms) => ms.map((m) => m.textContent));
    result.legend = await page.textContent('#legend');
    result.total = parseInt(await page.textContent('#total'), 10);
    console.log(JSON.stringify(result));
  } finally {
    await browser.close();
  }
})().catch((e) => {
  console.error(e && e.stack || e);
  process.exit(1);
});
