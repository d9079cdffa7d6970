import { createCatalog, type Catalog, type TableInfo } from '../../compiler/catalog.js';
import { tablesToDescribe } from '../../compiler/catalog-requests.js';
import type { Dialect } from '../../compiler/dialects/dialect.js';
import type { Workflow } from '../../compiler/workflow/model.js';
import type { Connector } from '../../connectors/connector.js';

/**
 * A catalog fed from a live connection: the tables the workflow reads are described up front (the
 * compiler is synchronous). Every table name (for "did you mean" hints) is listed only when one of
 * them is missing: listing a warehouse is the expensive call (on BigQuery a billed
 * INFORMATION_SCHEMA job), and a valid workflow never needs it.
 */
export async function liveCatalog(connector: Connector, wf: Workflow, dialect: Dialect): Promise<Catalog> {
  const wanted = tablesToDescribe(wf, dialect);
  const described = await Promise.all(wanted.map((parts) => connector.describeTable(parts)));
  const tables = described.filter((t): t is TableInfo => t !== undefined);
  const catalog = createCatalog(tables, { live: true });
  if (tables.length === wanted.length) return catalog;
  const names = (await connector.listTables()).map((t) => t.parts.join('.'));
  return { ...catalog, tableNames: () => names };
}
