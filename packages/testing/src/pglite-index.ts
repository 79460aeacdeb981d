export {
  createPgliteFixture,
  type PgliteFixture,
  type PgliteFixtureOptions,
} from './pglite/pglite-fixture.js';
export {
  createPgliteTemplate,
  type PgliteTemplate,
  type PgliteTemplateOptions,
} from './pglite/pglite-template.js';
export { KEPT_SCHEMAS, resetDatabase, resetSql } from './pglite/reset-database.js';
export { closeSharedPgliteTemplates, sharedPgliteTemplate } from './pglite/shared-templates.js';
