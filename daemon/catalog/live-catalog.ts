import { createCatalog, type Catalog, type TableInfo } from '../../compiler/catalog.js';
import { tablesToDescribe } from '../../compiler/catalog-requests.js';
import type { Dialect } from '../../compiler/dialects/dialect.js';
import type { Workflow } from '../../compiler/workflow/model.js';
import type { Connector } from '../../connectors/connector.js';

/**
 * A catalog fed from a live connection: the tables the workflow reads are described up front (the
 * compiler is synchronous), and every table name is listed for "did you mean" hints.
 */
export async function liveCatalog(connector: Connector, wf: Workflow, dialect: Dialect): Promise<Catalog> {
  const wanted = tablesToDescribe(wf, dialect);
  const [described, listing] = await Promise.all([
    Promise.all(wanted.map((parts) => connector.describeTable(parts))),
    connector.listTables(),
  ]);
  const tables = described.filter((t): t is TableInfo => t !== undefined);
  const catalog = createCatalog(tables, { live: true });
  const names = listing.map((t) => t.parts.join('.'));
  return { ...catalog, tableNames: () => names };
}
