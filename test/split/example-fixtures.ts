import { splitLayout } from '@multidb/example-app';
import { migrate, type SplitClients } from '@multidb/split-schema';
import { splitClientsFromPglite } from '@multidb/split-schema/pglite';
import { type PgliteTemplate, sharedPgliteTemplate } from '@multidb/testing';

export type ExampleClients = SplitClients<typeof splitLayout.primary.schema, typeof splitLayout.data.schema>;

function migratedTemplate(target: 'all' | 'primary' | 'data'): Promise<PgliteTemplate> {
  return sharedPgliteTemplate(`example-app:${target}`, {
    setup: async (pg) => {
      const clients = splitClientsFromPglite(splitLayout, { primary: pg }, { ownsClients: false });
      const report = await migrate(clients, { target });
      if (!report.ok) throw new Error(`template migration failed: ${JSON.stringify(report.databases)}`);
    },
  });
}

/**
 * Migrated example-app databases from per-process templates: one database holding both sides (`split: false`)
 * or a PRIMARY + DATA pair. Each call returns fresh clones; close the clients when done.
 */
export async function openExampleFixture(split: boolean): Promise<ExampleClients> {
  if (!split)
    return splitClientsFromPglite(splitLayout, { primary: await (await migratedTemplate('all')).clone() });
  const [primary, data] = await Promise.all([migratedTemplate('primary'), migratedTemplate('data')]);
  return splitClientsFromPglite(splitLayout, { primary: await primary.clone(), data: await data.clone() });
}
