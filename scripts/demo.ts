/**
 * `pnpm demo [--json] [--pg] [--serve]`: the toolkit's story, shown happening, on the embedded default (PGlite in
 * ./.demo-data, reset on every run, no server) or on real PostgreSQL clusters (`--pg`). Exit 0 only if every
 * claim held; each claim is asserted by test/demo/demo.test.ts. See scripts/demo/story.ts for the steps.
 * `--serve`: the ops page on 127.0.0.1 during the story and after it (scripts/demo/serve.ts), until Ctrl-C.
 */
import { parseDemoArgs, USAGE } from './demo/demo-args.js';
import { Narrator } from './demo/narrator.js';
import type { DemoReport } from './demo/report.js';
import { formatReport } from './demo/report-text.js';
import { noSecretClaim } from './demo/secret-check.js';
import { demoServer } from './demo/serve.js';
import { runStory, type StoryResult } from './demo/story.js';

const DATA_DIR = '.demo-data';

const args = parseDemoArgs(process.argv.slice(2));
if (args === undefined || args.help) {
  (args ? process.stdout : process.stderr).write(USAGE);
  process.exit(args ? 0 : 2);
}

const ci = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
const narrator = new Narrator({
  json: args.json,
  tty: process.stdout.isTTY === true,
  ci,
  out: process.stdout,
});
narrator.line(
  `multidb demo — ${args.pg ? 'real PostgreSQL clusters (--pg)' : 'embedded PGlite, no server'}${ci ? ' (CI)' : ''}`,
);

const render = (report: DemoReport) => (args.json ? JSON.stringify(report, null, 2) : formatReport(report));

/** The final report: the story's claims and, last, that nothing printed holds a secret. Printed once. */
let final: DemoReport | undefined;
const finish = ({ report: told, secrets }: StoryResult): void => {
  if (final !== undefined) return;
  // The last claim covers everything printed, including the report itself.
  const secretClaim = noSecretClaim(narrator.written() + render(told), secrets);
  const claims = [...told.claims, secretClaim];
  const failedClaims = claims.filter((c) => !c.held).map((c) => c.id);
  final = { ...told, claims, failedClaims, ok: told.error === undefined && failedClaims.length === 0 };
  narrator.print(render(final));
};

const result = await runStory({
  mode: args.pg ? 'postgres' : 'pglite',
  dataDir: DATA_DIR,
  narrator,
  ...(args.serve ? { serve: { server: demoServer(args.port), report: finish } } : {}),
});
finish(result);
const report = final as DemoReport;

await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
// Exit now: an embedded database or a pool left half-closed after a failure must not keep the demo (or CI) alive.
process.exit(report.ok ? 0 : 1);
