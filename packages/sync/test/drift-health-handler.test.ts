import { MultiDbError } from '@multidb/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDriftHealthHandler, syncBackup } from '../src/index.js';
import { createPglitePair, type PglitePair } from './support/pglite-pair.js';

const TOKEN = 'health-token-0123456789abcdef';
let dbs: PglitePair;

beforeAll(async () => {
  dbs = await createPglitePair();
  await dbs.reset(50);
  (await syncBackup({ source: dbs.source, target: dbs.target }))._unsafeUnwrap();
});
afterAll(async () => {
  await dbs?.close();
});

const request = (authorization?: string, path = '/admin/db-health') =>
  new Request(`http://localhost${path}`, { headers: authorization ? { authorization } : {} });

describe('createDriftHealthHandler', () => {
  it('answers 401 with a Bearer challenge without a token and with a wrong one, like the router', async () => {
    const handler = createDriftHealthHandler({ source: dbs.source, target: dbs.target, token: TOKEN });
    const none = await handler(request());
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    for (const wrong of [
      `Basic ${TOKEN}`,
      'Bearer wrong-token-0123456789abcdef',
      `Bearer ${TOKEN}x`,
      'Bearer',
    ]) {
      const denied = await handler(request(wrong));
      expect(denied.status, wrong).toBe(401);
      expect(denied.headers.get('www-authenticate'), wrong).toBe('Bearer error="invalid_token"');
    }
    const body = await (await handler(request('Bearer nope'))).text();
    expect(body).not.toMatch(/customers/);
    expect(() =>
      createDriftHealthHandler({ source: dbs.source, target: dbs.target, token: 'short' }),
    ).toThrow(expect.objectContaining({ code: 'InvalidOptions' }));
  });

  it('reports per-table counts and drift to an operator', async () => {
    const handler = createDriftHealthHandler({
      source: dbs.source,
      target: dbs.target,
      token: TOKEN,
      tables: ['shop.customers', 'shop.orders'],
      recheckDelayMs: 0,
    });
    const clean = await handler(request(`Bearer ${TOKEN}`));
    expect(clean.status).toBe(200);
    expect(await clean.json()).toMatchObject({
      status: 'ok',
      tables: [
        { table: 'shop.customers', sourceRows: 50, targetRows: 50, drift: false },
        { table: 'shop.orders', sourceRows: 100, targetRows: 100, drift: false },
      ],
    });
    await dbs.target.exec(
      'UPDATE shop.customers SET name = $$changed$$ WHERE id = 3; DELETE FROM shop.order_lines WHERE order_id = 9; DELETE FROM shop.orders WHERE id = 9;',
    );
    const counts = (await (await handler(request(`Bearer ${TOKEN}`))).json()) as {
      status: string;
      tables: unknown[];
    };
    expect(counts.status).toBe('drift');
    expect(counts.tables[1]).toMatchObject({ table: 'shop.orders', targetRows: 99, drift: true });
    const deep = await (await handler(request(`Bearer ${TOKEN}`, '/admin/db-health?deep=1'))).json();
    expect(deep).toMatchObject({
      status: 'drift',
      tables: [
        { table: 'shop.customers', status: 'drift', changed: 1 },
        { table: 'shop.orders', status: 'drift', missing: 1 },
      ],
    });
  });

  it('refuses a short token', () => {
    expect(() =>
      createDriftHealthHandler({ source: dbs.source, target: dbs.target, token: 'short' }),
    ).toThrow(MultiDbError);
  });
});
