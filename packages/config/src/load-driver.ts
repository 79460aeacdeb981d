import { MultiDbError } from './errors.js';

/** The optional peer dependency each URL kind needs. */
export type DriverPackage = 'postgres' | 'pg' | 'pg-copy-streams' | '@electric-sql/pglite';

/**
 * Imports a module that needs an optional driver, only when a URL of that kind is opened; a driver the
 * application did not install is a `MultiDbError` (`DriverMissing`) that names the package to install.
 */
export async function loadDriver<T>(driver: DriverPackage, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (isMissing(error, driver)) {
      throw new MultiDbError(
        'DriverMissing',
        `the ${driver} driver is not installed: npm i ${driver}`,
        { package: driver },
        { cause: error },
      );
    }
    throw error;
  }
}

function isMissing(error: unknown, driver: DriverPackage): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const missing = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
  // Node names the package quoted: "Cannot find package 'pg' imported from …" ('pg' must not match 'pglite').
  return (
    missing &&
    typeof message === 'string' &&
    (message.includes(`'${driver}'`) || message.includes(`"${driver}"`) || message.includes(`'${driver}/`))
  );
}
