/**
 * Amazon Redshift: over its PostgreSQL wire protocol through `pg` (./pg.ts), or through the
 * Redshift Data API (./data-api.ts) for Serverless and IAM without a network path to the cluster.
 * The Data API's SDK loads only when a connection of that kind opens.
 */
import type { Connector } from '../connector.js';
import type { RedshiftOptions } from './options.js';

export type { RedshiftDataApiOptions, RedshiftOptions, RedshiftPgOptions } from './options.js';

export async function openRedshift(opts: RedshiftOptions): Promise<Connector> {
  if ('dataApi' in opts) {
    const { openRedshiftDataApi } = await import('./data-api.js');
    return openRedshiftDataApi(opts);
  }
  const { openRedshiftPg } = await import('./pg.js');
  return openRedshiftPg(opts);
}
