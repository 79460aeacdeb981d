import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

// `@multidb/trpc/client` runs in browsers and React Native: its files import only each other (no server code,
// no Node built-ins, no packages), and the package exports it on its own subpath.
const CLIENT_DIR = join(import.meta.dirname, '../src/client');
const importsOf = (source: string) =>
  [...source.matchAll(/(?:import|export)[^'"]*?from\s+'([^']+)'|import\s*\(?\s*'([^']+)'/g)].map(
    (m) => m[1] ?? m[2],
  );

describe('the client entry', () => {
  test('imports nothing outside src/client', () => {
    const files = readdirSync(CLIENT_DIR).filter((f) => f.endsWith('.ts'));
    expect(files).toContain('index.ts');
    for (const file of files) {
      const source = readFileSync(join(CLIENT_DIR, file), 'utf8');
      for (const specifier of importsOf(source)) expect(specifier, file).toMatch(/^\.\/[a-z-]+\.js$/);
      expect(source, file).not.toMatch(/\brequire\(|process\.|Buffer\b/);
    }
  });

  test('is the ./client subpath export', () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../package.json'), 'utf8'));
    expect(pkg.exports['./client']).toEqual({
      types: './src/client/index.ts',
      default: './src/client/index.ts',
    });
  });
});
