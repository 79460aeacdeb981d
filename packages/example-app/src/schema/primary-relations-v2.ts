import { drizzleDefineRelations } from '@multidb/config';
import * as config from './config.js';
import * as customer from './customer.js';

const build = () =>
  drizzleDefineRelations()({ ...config, ...customer }, (r) => ({
    users: {
      organization: r.one.organizations({ from: r.users.organizationId, to: r.organizations.id }),
      sessions: r.many.sessions(),
      userRoles: r.many.userRoles(),
    },
    sessions: {
      user: r.one.users({ from: r.sessions.userId, to: r.users.id, optional: false }),
    },
    roles: {
      userRoles: r.many.userRoles(),
    },
    userRoles: {
      user: r.one.users({ from: r.userRoles.userId, to: r.users.id, optional: false }),
      role: r.one.roles({ from: r.userRoles.roleKey, to: r.roles.key, optional: false }),
    },
    organizations: {
      clients: r.many.clients(),
      users: r.many.users(),
    },
    clients: {
      organization: r.one.organizations({
        from: r.clients.organizationId,
        to: r.organizations.id,
        optional: false,
      }),
    },
  }));

export type PrimaryRelations = ReturnType<typeof build>;

let built: PrimaryRelations | undefined;

/**
 * The PRIMARY database's relations for drizzle-orm 1.0 (`defineRelations`, the `relations` option): the same
 * relations as `primary-relations.ts` declares for 0.45. Built on first use, on 1.0 only.
 */
export function primaryRelations(): PrimaryRelations {
  built ??= build();
  return built;
}
