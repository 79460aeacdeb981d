import { createPgliteTemplate, type PgliteTemplate, type PgliteTemplateOptions } from './pglite-template.js';

// On globalThis so that every test file run in the same process (vitest `isolate: false`, or several suites in
// one file) shares one template per key instead of paying for the setup again.
const REGISTRY = Symbol.for('@multidb/testing/pglite-templates');
type Registry = Map<string, Promise<PgliteTemplate>>;

function registry(): Registry {
  const holder = globalThis as { [REGISTRY]?: Registry };
  holder[REGISTRY] ??= new Map();
  return holder[REGISTRY];
}

/**
 * The template for `key`, built on first use in this process with `options` (later calls reuse it and ignore
 * their options). Use one key per distinct setup, e.g. `example-app:single`.
 */
export function sharedPgliteTemplate(key: string, options: PgliteTemplateOptions): Promise<PgliteTemplate> {
  const templates = registry();
  let template = templates.get(key);
  if (template === undefined) {
    template = createPgliteTemplate(options);
    templates.set(key, template);
    template.catch(() => templates.delete(key));
  }
  return template;
}

/** Closes every shared template (and their open clones), e.g. in a global teardown. */
export async function closeSharedPgliteTemplates(): Promise<void> {
  const templates = registry();
  const all = [...templates.values()];
  templates.clear();
  await Promise.all(all.map(async (t) => (await t.catch(() => undefined))?.close()));
}
