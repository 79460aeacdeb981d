import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeError } from '@multidb/config';
import type { AnySchema, SplitLayout } from '@multidb/split-schema';

/**
 * Imports the module named by `--layout` (relative to the working directory) and returns its split layout
 * (export `layout`, `splitLayout` or default), or a message saying what is wrong.
 */
export async function loadLayout(
  path: string | undefined,
): Promise<SplitLayout<AnySchema, AnySchema> | string> {
  if (path === undefined) return '--layout <module> is required: a module exporting your split layout';
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
  } catch (error) {
    return `cannot load the layout module ${path}: ${describeError(error)}`;
  }
  const layout = module.layout ?? module.splitLayout ?? module.default;
  if (!isLayout(layout)) return `${path} exports no split layout (as \`layout\`, \`splitLayout\` or default)`;
  return layout;
}

function isLayout(value: unknown): value is SplitLayout<AnySchema, AnySchema> {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { primary?: unknown; data?: unknown };
  return typeof candidate.primary === 'object' && typeof candidate.data === 'object';
}
