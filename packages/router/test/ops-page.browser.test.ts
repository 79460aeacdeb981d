import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDbRouter, createOpsHandler, driftRecorder } from '../src/index.js';
import { useInMemoryCluster } from './support/in-memory-cluster.js';
import { type TestSchema, users } from './support/test-schema.js';

/**
 * The ops page in a real browser: headless Chromium (Debian's `chromium`, installed by .ci/run) opens it while a
 * replica fails and comes back. Every wait is on a condition with a generous timeout; nothing asserts on time.
 * Without Chromium the suite is skipped on a developer machine and fails in CI.
 */
const CHROMIUM = process.env.MULTIDB_CHROMIUM ?? '/usr/bin/chromium';
const CI = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
const available = existsSync(CHROMIUM);
if (!available && CI) throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium`);
/** `MULTIDB_UPDATE_SCREENSHOTS=1`: write the screenshots into docs/ (otherwise into the OS temp directory). */
const SHOTS =
  process.env.MULTIDB_UPDATE_SCREENSHOTS === '1'
    ? new URL('../../../docs/', import.meta.url).pathname
    : undefined;

const TOKEN = 'browser-ops-token-0123456789';
const WAIT = { timeout: 60_000 };
const suite = useInMemoryCluster(['replica', 'replica-2']);

/** node:http → the fetch-style handler, as the README shows it. */
function nodeAdapter(handler: (req: Request) => Promise<Response>) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers))
      if (typeof value === 'string') headers.set(name, value);
    handler(new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers }))
      .then(async (response) => {
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      })
      .catch(() => res.writeHead(500).end());
  };
}

describe.skipIf(!available)('the ops page in headless Chromium', () => {
  let browser: Browser;
  let server: Server | undefined;

  beforeAll(async () => {
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
      protocolTimeout: 120_000,
    });
  });
  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  });

  test('a replica fails and comes back; the chart moves; nothing leaves 127.0.0.1; no token, only a 401', async () => {
    const router = suite.track(
      createDbRouter<TestSchema>({
        primary: suite.cluster.primary,
        replicas: [suite.cluster.spec('replica'), suite.cluster.spec('replica-2')],
        health: { intervalMs: 100, timeoutMs: 1000, failuresToDown: 1, successesToUp: 1 },
        lag: { maxSeconds: 30 },
      }),
    );
    await router.checkHealth();
    const drift = driftRecorder();
    drift.record({ clean: true, schema: [], tables: [{ missing: 0, extra: 0, changed: 0 }], ms: 30 });
    const ops = createOpsHandler({
      router,
      token: TOKEN,
      pollMs: 250,
      drift,
      writers: {
        backup: {
          metrics: () => ({
            mode: 'memory',
            depth: 0,
            oldestPendingAgeMs: 0,
            deadLettered: 0,
            overflowed: 0,
            backupReachable: true,
          }),
        },
      },
    });
    server = createServer(nodeAdapter(ops));
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    // Traffic, so the chart has something to draw.
    let traffic = true;
    const reads = (async () => {
      while (traffic) {
        await router
          .getClient('read')
          .select()
          .from(users)
          .catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();

    const context = await browser.createBrowserContext();
    try {
      const page = await context.newPage();
      await page.setViewport({ width: 1280, height: 860 });
      await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
      const requested: string[] = [];
      const outside: string[] = [];
      const violations: string[] = [];
      await page.setRequestInterception(true);
      page.on('request', (request) => {
        requested.push(request.url());
        if (request.url().startsWith(`${origin}/`)) void request.continue();
        else {
          outside.push(request.url());
          void request.abort();
        }
      });
      page.on('console', (message) => {
        if (/Content.Security.Policy|Refused to/i.test(message.text())) violations.push(message.text());
      });

      // No token: a 401, a plain text body, no script, no data.
      const denied = await page.goto(`${origin}/`, { waitUntil: 'load' });
      expect(denied?.status()).toBe(401);
      expect(await page.evaluate('document.body.innerText.trim()')).toBe('unauthorized');
      expect(await page.evaluate("document.querySelectorAll('script, style, table, svg').length")).toBe(0);
      const wrong = await page.goto(`${origin}/?token=not-the-token-0123456789`, { waitUntil: 'load' });
      expect(wrong?.status()).toBe(401);

      // With it: the redirect to the clean URL, the cookie, the page.
      const opened = await page.goto(`${origin}/?token=${TOKEN}`, { waitUntil: 'load' });
      expect(opened?.status()).toBe(200);
      expect(page.url()).toBe(`${origin}/`);
      await page.waitForSelector('tr[data-node="replica"][data-state="up"]', WAIT);
      await page.waitForFunction("Number(document.getElementById('history').dataset.samples) >= 3", WAIT);
      const chartBefore = await page.$eval('#history', (el) => el.outerHTML);
      await page.waitForFunction(
        `document.getElementById('history').outerHTML !== ${JSON.stringify(chartBefore)}`,
        WAIT,
      );

      suite.cluster.replica('replica').stop();
      await page.waitForSelector('tr[data-node="replica"][data-state="down"]', WAIT);
      await page.waitForSelector('#history rect.st-down', WAIT);
      expect(await page.$eval('tr[data-node="replica"] td.err', (el) => el.textContent)).toMatch(/stopped/);
      await page.screenshot({
        path: `${SHOTS ?? `${(await import('node:os')).tmpdir()}/`}ops-page-replica-down.png`,
      });

      suite.cluster.replica('replica').start();
      await page.waitForSelector('tr[data-node="replica"][data-state="up"]', WAIT);
      // Back up in the chart's last sample too (the strip ends green again).
      await page.waitForFunction(
        "[...document.querySelectorAll('#history rect')].filter((r) => r.getAttribute('y') === document.querySelector('#history rect.st-down').getAttribute('y')).at(-1).classList.contains('st-up')",
        WAIT,
      );
      await page.screenshot({
        path: `${SHOTS ?? `${(await import('node:os')).tmpdir()}/`}ops-page-replica-back.png`,
      });

      expect(await page.$eval('#stale', (el) => el.classList.contains('on'))).toBe(false);
      expect(outside).toEqual([]);
      expect(requested.length).toBeGreaterThan(5);
      expect(requested.every((url) => url.startsWith(`${origin}/`))).toBe(true);
      expect(violations).toEqual([]);
      const html = await page.content();
      expect(html).not.toContain(TOKEN);

      // Another browser profile without the cookie: 401 again, for the page and its JSON.
      const other = await browser.createBrowserContext();
      try {
        const stranger = await other.newPage();
        expect((await stranger.goto(`${origin}/`))?.status()).toBe(401);
        expect((await stranger.goto(`${origin}/?state=1`))?.status()).toBe(401);
        expect(await stranger.evaluate('document.body.innerText.trim()')).toBe('unauthorized');
      } finally {
        await other.close();
      }
    } finally {
      traffic = false;
      await reads;
      await context.close();
    }
  }, 300_000);
});
