// pnpm hook for `scripts/use-drizzle.sh 1.0`: every package that asks for drizzle-orm or drizzle-kit gets the
// 1.0 release candidate instead, without touching the committed lockfile (the install runs with --no-lockfile).
const versions = {
  'drizzle-orm': process.env.MULTIDB_DRIZZLE_ORM || '1.0.0-rc.5',
  'drizzle-kit': process.env.MULTIDB_DRIZZLE_KIT || '1.0.0-rc.5',
};

function rewrite(deps) {
  if (!deps) return;
  for (const [name, version] of Object.entries(versions)) if (deps[name]) deps[name] = version;
}

module.exports = {
  hooks: {
    readPackage(pkg) {
      rewrite(pkg.dependencies);
      rewrite(pkg.devDependencies);
      rewrite(pkg.optionalDependencies);
      rewrite(pkg.peerDependencies);
      return pkg;
    },
  },
};
