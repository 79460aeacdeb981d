import { roles, sessions, userRoles, users } from './config.js';
import { clients, organizations } from './customer.js';
import { relations } from './relations-v1.js';

/** Relations v1 (`relations()`, the `schema` option of drizzle-orm 0.45) of the PRIMARY database; they never leave it. */
export const usersRelations = relations(users, ({ one, many }) => ({
  organization: one(organizations, { fields: [users.organizationId], references: [organizations.id] }),
  sessions: many(sessions),
  userRoles: many(userRoles),
}));

export const sessionsRelations = relations(sessions, ({ one }) => ({
  user: one(users, { fields: [sessions.userId], references: [users.id] }),
}));

export const rolesRelations = relations(roles, ({ many }) => ({
  userRoles: many(userRoles),
}));

export const userRolesRelations = relations(userRoles, ({ one }) => ({
  user: one(users, { fields: [userRoles.userId], references: [users.id] }),
  role: one(roles, { fields: [userRoles.roleKey], references: [roles.key] }),
}));

export const organizationsRelations = relations(organizations, ({ many }) => ({
  clients: many(clients),
  users: many(users),
}));

export const clientsRelations = relations(clients, ({ one }) => ({
  organization: one(organizations, { fields: [clients.organizationId], references: [organizations.id] }),
}));
