import { PGlite, type PGliteOptions } from '@electric-sql/pglite';

export interface PgliteTemplateOptions {
  /** Runs once on the fresh template (migrations, fixed rows). Everything it leaves is in every clone. */
  readonly setup?: (pg: PGlite) => Promise<void>;
  /** Options for the template instance (extensions, debug). Clones get the same extensions. */
  readonly pglite?: PGliteOptions;
}

/**
 * A migrated database built once, then copied. Creating and migrating a PGlite instance costs seconds; a copy
 * made from the template's data dir costs a fraction of that. The template itself must not change after setup.
 */
export interface PgliteTemplate {
  /** A new in-memory instance with the template's contents. Close it, or let `close()` do it. */
  clone(): Promise<PGlite>;
  /** Closes the template and every clone it made that is still open. Safe to call more than once. */
  close(): Promise<void>;
  readonly closed: boolean;
}

class PgliteTemplateImpl implements PgliteTemplate {
  readonly #template: PGlite;
  readonly #options: PgliteOptionsWithoutDir;
  readonly #clones = new Set<PGlite>();
  #dump: Promise<File | Blob> | undefined;
  #closing: Promise<void> | undefined;

  constructor(template: PGlite, options: PgliteOptionsWithoutDir) {
    this.#template = template;
    this.#options = options;
  }

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  async clone(): Promise<PGlite> {
    if (this.#closing) throw new Error('PGlite template is closed');
    // One dump serves every clone (PGlite's own clone() dumps again each time).
    this.#dump ??= this.#template.dumpDataDir('none');
    const clone = await PGlite.create({ ...this.#options, loadDataDir: await this.#dump });
    this.#clones.add(clone);
    const close = clone.close.bind(clone);
    clone.close = async () => {
      this.#clones.delete(clone);
      if (!clone.closed) await close();
    };
    return clone;
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.all([...this.#clones].map((c) => c.close()));
      if (!this.#template.closed) await this.#template.close();
    })();
    return this.#closing;
  }
}

type PgliteOptionsWithoutDir = Omit<PGliteOptions, 'dataDir' | 'loadDataDir'>;

export async function createPgliteTemplate(options: PgliteTemplateOptions = {}): Promise<PgliteTemplate> {
  const { dataDir: _dataDir, loadDataDir: _load, ...rest } = options.pglite ?? {};
  const template = await PGlite.create(rest);
  try {
    await options.setup?.(template);
  } catch (error) {
    await template.close();
    throw error;
  }
  return new PgliteTemplateImpl(template, rest);
}
