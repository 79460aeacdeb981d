#!/usr/bin/env bash
# The drizzle-orm 1.0 leg of CI, runnable by a developer: `pnpm test:drizzle-1` (or scripts/drizzle-matrix.sh
# [consumer] [types] [test] [pg] [demo] for some of the steps). The default install (the lockfile: drizzle-orm 0.45) is
# what `.ci/run` has already tested; this runs, against drizzle-orm + drizzle-kit 1.0.0-rc.5:
#   consumer  the consumer test with drizzle-orm 1.0 in the scratch apps (the tarballs are built by the workspace
#             as it is published, so this step runs BEFORE the workspace switches)
#   types     the router's type tests on 1.0 (typed rows, relational queries v2 through getClient)
#   test      the PGlite suite (`pnpm test`)
#   pg        the real-PostgreSQL suites of router, dual-write, config's drivers, sync and the split migrations
#   demo      the README's first command
# and returns the checkout to the lockfile (drizzle-orm 0.45) whatever happens. MULTIDB_DRIZZLE_ORM /
# MULTIDB_DRIZZLE_KIT pick another 1.0 build (see scripts/use-drizzle.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
steps=("$@")
if [ ${#steps[@]} -eq 0 ]; then steps=(consumer types test pg demo); fi
wants() { local s; for s in "${steps[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }
started=$SECONDS
step() { printf '\n=== drizzle-orm 1.0: %s (%ss)\n' "$*" "$((SECONDS - started))"; }
orm="${MULTIDB_DRIZZLE_ORM:-1.0.0-rc.5}"

if wants consumer; then
  step "test:consumer (the apps on drizzle-orm ${orm})"
  MULTIDB_CONSUMER_DRIZZLE="$orm" pnpm test:consumer
fi

if wants types || wants test || wants pg || wants demo; then
  step "switch the workspace to drizzle-orm ${orm}"
  trap 'step "back to the lockfile (drizzle-orm 0.45)"; scripts/use-drizzle.sh 0.45' EXIT
  scripts/use-drizzle.sh 1.0
fi

if wants types; then
  step "router type tests (tsc, drizzle-orm ${orm})"
  npx tsc --noEmit -p packages/router/test/types/tsconfig.1.0.json
fi

if wants test; then
  step "test (PGlite)"
  pnpm test
fi

if wants pg; then
  step "test:pg: router, dual-write, drivers, sync, split migrations (real PostgreSQL clusters)"
  pnpm test:pg packages/router/ packages/dual-write/ packages/config/ packages/sync/ test/pg/split-migrate test/pg/migrate-backup
fi

if wants demo; then
  step "demo"
  pnpm demo
fi
step "done"
