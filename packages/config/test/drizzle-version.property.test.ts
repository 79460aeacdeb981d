import { npmVersion } from 'drizzle-orm/version';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { drizzleLine, drizzleLineOf, drizzleVersion, SUPPORTED_DRIZZLE } from '../src/index.js';

describe('drizzleLineOf', () => {
  it.each([
    ['0.45.0', '0.45'],
    ['0.45.4', '0.45'],
    [' 0.45.2 ', '0.45'],
    ['1.0.0', '1.0'],
    ['1.0.7', '1.0'],
    ['1.0.0-rc.5', '1.0'],
    ['1.0.0-rc.6', '1.0'],
    ['1.0.0-rc.12', '1.0'],
    ['1.0.0-rc.5-8d3f2a1', '1.0'],
    ['1.0.0-rc.5.1', '1.0'],
  ] as const)('%s is line %s', (version, line) => {
    expect(drizzleLineOf(version)).toBe(line);
  });

  it.each([
    '0.44.7',
    '0.46.0',
    '0.45.0-beta.1',
    '0.45',
    '1.0.0-rc.4',
    '1.0.0-rc.1',
    '1.0.0-beta.2',
    '1.0.0-beta.9-d1e2f3a',
    '1.0.0-rc',
    '1.1.0',
    '2.0.0',
    '1.0',
    'v1.0.0',
    'latest',
    '',
  ])('%j is outside the supported ranges', (version) => {
    expect(drizzleLineOf(version)).toBeUndefined();
  });

  it('takes any 0.45.x release and any 1.0.x release', () => {
    fc.assert(
      fc.property(fc.nat(10_000), (patch) => {
        expect(drizzleLineOf(`0.45.${patch}`)).toBe('0.45');
        expect(drizzleLineOf(`1.0.${patch}`)).toBe('1.0');
      }),
    );
  });

  it('takes a 1.0.0 release candidate from rc.5 on, and no earlier one or beta', () => {
    fc.assert(
      fc.property(fc.nat(200), fc.option(fc.stringMatching(/^[0-9a-f]{7}$/)), (rc, build) => {
        const version = `1.0.0-rc.${rc}${build === null ? '' : `-${build}`}`;
        expect(drizzleLineOf(version)).toBe(rc >= 5 ? '1.0' : undefined);
        expect(drizzleLineOf(`1.0.0-beta.${rc}`)).toBeUndefined();
      }),
    );
  });

  it('refuses every other major.minor, pre-release or not', () => {
    const other = fc
      .tuple(fc.nat(5), fc.nat(60))
      .filter(([major, minor]) => !(major === 0 && minor === 45) && !(major === 1 && minor === 0));
    fc.assert(
      fc.property(
        other,
        fc.nat(30),
        fc.option(fc.constantFrom('rc.5', 'rc.9', 'beta.1')),
        ([major, minor], patch, pre) => {
          expect(drizzleLineOf(`${major}.${minor}.${patch}${pre === null ? '' : `-${pre}`}`)).toBeUndefined();
        },
      ),
    );
  });

  it('never throws, and never takes a string that is not a version', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const line = drizzleLineOf(text);
        if (line !== undefined) expect(text.trim()).toMatch(/^(0\.45|1\.0)\.\d+(-[0-9A-Za-z.-]+)?$/);
      }),
    );
  });
});

describe('drizzleLine', () => {
  it('is the line of the installed drizzle-orm (drizzle-orm/version)', () => {
    expect(drizzleVersion).toBe(npmVersion);
    expect(drizzleLine()).toBe(drizzleLineOf(npmVersion));
    expect(['0.45', '1.0']).toContain(drizzleLine());
    // The lockfile installs 0.45; scripts/use-drizzle.sh 1.0 installs 1.0.0-rc.5 (the CI matrix runs both).
    expect(drizzleLine()).toBe(npmVersion.startsWith('0.45.') ? '0.45' : '1.0');
  });

  it.each(['0.44.7', '1.0.0-beta.2', '1.0.0-rc.4', '2.0.0'])(
    'drizzle-orm %s installed: a DrizzleIncompatible error naming it and the supported ranges',
    async (version) => {
      vi.resetModules();
      vi.doMock('drizzle-orm/version', () => ({ npmVersion: version }));
      try {
        const fresh = await import('../src/drizzle/drizzle-version.js');
        expect(fresh.drizzleVersion).toBe(version);
        let thrown: unknown;
        try {
          fresh.drizzleLine();
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toMatchObject({
          code: 'DrizzleIncompatible',
          message: `drizzle-orm ${version} is not supported; the toolkit supports ${SUPPORTED_DRIZZLE}`,
          context: { drizzleVersion: version },
        });
      } finally {
        vi.doUnmock('drizzle-orm/version');
        vi.resetModules();
      }
    },
  );
});
