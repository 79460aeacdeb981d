/**
 * `tsx scripts/ops-screenshot.ts <page URL with ?token=> <out.png> [--wait-down NODE]`: a PNG of the ops page in
 * headless Chromium (Debian's chromium; MULTIDB_CHROMIUM overrides the path), e.g. of `pnpm demo --serve` for docs/.
 * With `--wait-down NODE`, waits until that node shows down first.
 */
import puppeteer from 'puppeteer-core';

const [url, out, flag, node] = process.argv.slice(2);
if (url === undefined || out === undefined) {
  process.stderr.write('usage: tsx scripts/ops-screenshot.ts <url> <out.png> [--wait-down NODE]\n');
  process.exit(2);
}
const browser = await puppeteer.launch({
  executablePath: process.env.MULTIDB_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900, deviceScaleFactor: 1 });
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
  await page.goto(url, { waitUntil: 'load' });
  // A string: evaluated in the page (this file is type-checked without the DOM library).
  await page.waitForFunction("Number(document.getElementById('history')?.dataset.samples) > 10", {
    timeout: 60_000,
  });
  if (flag === '--wait-down' && node !== undefined)
    await page.waitForSelector(`tr[data-node="${node}"][data-state="down"]`, { timeout: 60_000 });
  await page.screenshot({ path: out as `${string}.png`, fullPage: true });
} finally {
  await browser.close();
}
