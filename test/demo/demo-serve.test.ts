import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { ROOT } from './run-demo.js';

// `pnpm demo --serve`: the ops page on 127.0.0.1 during the story, then held with replica-1 failing and coming
// back, until SIGINT. Run in its own working directory so its ./.demo-data never meets demo.test.ts's.
const cwd = mkdtempSync(join(tmpdir(), 'multidb-demo-serve-'));
const tsx = pathToFileURL(createRequire(join(ROOT, 'package.json')).resolve('tsx')).href;
let child: ChildProcess | undefined;

afterAll(() => {
  if (child?.exitCode === null) child.kill('SIGKILL');
  rmSync(cwd, { recursive: true, force: true });
});

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('pnpm demo --serve', () => {
  test('prints the URL and token, serves the page behind them, shows replica-1 fail and rejoin, ends on SIGINT', async () => {
    const proc = spawn(process.execPath, ['--import', tsx, join(ROOT, 'scripts', 'demo.ts'), '--serve'], {
      cwd,
      env: { ...process.env, CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let stdout = '';
    let stderr = '';
    proc.stdout?.on('data', (chunk) => {
      stdout += chunk;
    });
    proc.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));

    const [, origin, token] = await until(
      'the ops page URL',
      async () => /ops page: (http:\/\/127\.0\.0\.1:\d+)\/\?token=(\S+)/.exec(stderr) ?? undefined,
      240_000,
    );
    expect((await fetch(`${origin}/`)).status).toBe(401);
    expect(await (await fetch(`${origin}/?state=1`)).text()).toBe('unauthorized\n');
    const login = await fetch(`${origin}/?token=${token}`, { redirect: 'manual' });
    expect(login.status).toBe(303);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const page = await fetch(`${origin}/`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('data-node="replica-1"');

    const stateOf = async (name: string) => {
      const res = await fetch(`${origin}/?state=1`, { headers: { authorization: `Bearer ${token}` } });
      const { state } = (await res.json()) as { state: { nodes: { name: string; state: string }[] } };
      return state.nodes.find((n) => n.name === name)?.state;
    };
    await until(
      'the hold after the story',
      async () => (stderr.includes('holding:') ? true : undefined),
      300_000,
    );
    // The report is printed before the hold (its claims are demo.test.ts's to assert).
    expect(stdout).toMatch(/claims held|did not hold/);
    await until(
      'replica-1 down',
      async () => ((await stateOf('replica-1')) === 'down' ? true : undefined),
      90_000,
    );
    await until(
      'replica-1 back',
      async () => ((await stateOf('replica-1')) === 'up' ? true : undefined),
      90_000,
    );
    expect(stdout + stderr).not.toMatch(/postgres(ql)?:\/\/[^\s/]*:[^\s@]*@/);

    proc.kill('SIGINT');
    // A clean end on SIGINT: the demo's own exit code (0, or 1 when a claim did not hold), not a signal's death.
    expect([0, 1]).toContain(await exited);
  }, 600_000);
});
