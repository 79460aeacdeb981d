import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';

// The middleware, the client helper and the reference app's tRPC code use no API that the installed
// @trpc/server, @trpc/client or anything else marks `@deprecated` (what an editor strikes through), down to a
// single deprecated overload.
const ROOT = join(import.meta.dirname, '../../..');
const DIRS = ['packages/trpc/src', 'packages/trpc/src/client', 'packages/example-app/src/trpc'];

function deprecatedUsages(): string[] {
  const files = DIRS.flatMap((dir) =>
    readdirSync(join(ROOT, dir))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(ROOT, dir, f)),
  );
  const configFile = ts.readConfigFile(join(ROOT, 'tsconfig.base.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, ROOT);
  const service = ts.createLanguageService({
    getScriptFileNames: () => files,
    getScriptVersion: () => '1',
    getScriptSnapshot: (f) => {
      const text = ts.sys.readFile(f);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => ROOT,
    getCompilationSettings: () => options,
    getDefaultLibFileName: ts.getDefaultLibFilePath,
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  });
  return files.flatMap((file) =>
    service
      .getSuggestionDiagnostics(file)
      .filter((d) => d.reportsDeprecated)
      .map((d) => `${relative(ROOT, file)}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`),
  );
}

describe('no deprecated API', () => {
  test('in @multidb/trpc and the example app’s tRPC code', () => {
    expect(deprecatedUsages()).toEqual([]);
  });
});
