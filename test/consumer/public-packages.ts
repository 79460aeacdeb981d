/** The packages a user installs from npm (example-app and the integration tests stay private). */
export const PUBLIC_PACKAGES = [
  'config',
  'split-schema',
  'router',
  'dual-write',
  'sync',
  'replicate',
  'trpc',
  'cache',
  'testing',
  'cli',
] as const;
