#!/usr/bin/env bash
# Switches this checkout's installed drizzle-orm + drizzle-kit between the release lines the toolkit supports,
# without touching a committed file:
#   scripts/use-drizzle.sh 1.0    drizzle-orm + drizzle-kit 1.0.0-rc.5 (pnpm hook, --no-lockfile)
#   scripts/use-drizzle.sh 0.45   back to the lockfile (drizzle-orm 0.45, drizzle-kit 0.31)
# MULTIDB_DRIZZLE_ORM / MULTIDB_DRIZZLE_KIT pick another 1.0 build. Prints the version now installed.
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  1.0) pnpm install --no-lockfile --pnpmfile scripts/drizzle/drizzle-1.pnpmfile.cjs --reporter=silent ;;
  0.45) pnpm install --frozen-lockfile --reporter=silent ;;
  *) echo "usage: scripts/use-drizzle.sh 1.0|0.45" >&2; exit 2 ;;
esac
cd packages/config
node --input-type=module -e "const m = await import('drizzle-orm/version'); console.log('drizzle-orm ' + m.npmVersion)"
