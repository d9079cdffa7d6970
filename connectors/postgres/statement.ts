/**
 * One statement on one client, reading at most `maxRows` rows. pg reads a whole result unless a
 * cursor is used; asking the server for `maxRows` rows of the portal (Execute with a row limit)
 * and then ending the exchange (Sync) stops it producing the rest. pg's Query, given `rows`, would
 * fetch the next batch when the portal is suspended; this subclass syncs there instead.
 */
import pg from 'pg';

class FirstRowsQuery extends pg.Query {
  truncated = false;

  // Called by pg when the server suspends the portal after `rows` rows (PortalSuspended).
  handlePortalSuspended(connection: { sync(): void }): void {
    this.truncated = true;
    connection.sync();
  }

  // With `rows`, pg sends no Sync after Execute, and after an error the server skips everything
  // until one: without it no ReadyForQuery comes and the client hangs (pg-cursor syncs here too).
  // Only for the server's errors (they have a severity): a client-side one already synced.
  handleError(err: Error & { severity?: string }, connection: { sync(): void }): void {
    if (err.severity) connection.sync();
    (pg.Query.prototype as unknown as { handleError: (e: Error, c: unknown) => void }).handleError.call(
      this,
      err,
      connection,
    );
  }
}

export interface StatementRequest {
  text: string;
  values?: unknown[];
  maxRows?: number;
  /**
   * The extended protocol (Parse/Bind/Execute) takes exactly one statement, so a text cannot end a
   * read-only transaction with `COMMIT; …` and go on writing.
   */
  singleStatement?: boolean;
}

export type StatementResult = pg.QueryResult | pg.QueryResult[];

export function runStatement(client: pg.PoolClient, req: StatementRequest): Promise<StatementResult> {
  if (req.maxRows === undefined) {
    return client.query({
      text: req.text,
      values: req.values ?? [],
      ...(req.singleStatement ? { queryMode: 'extended' } : {}),
    } as pg.QueryConfig);
  }
  return new Promise((resolve, reject) => {
    const q = new FirstRowsQuery(
      { text: req.text, values: req.values ?? [], rows: Math.max(1, req.maxRows!) } as pg.QueryConfig,
      (err: Error | undefined, result: unknown) => (err ? reject(err) : resolve(result as StatementResult)),
    );
    client.query(q);
  });
}

/** The rows of the statement's last result (a simple-protocol text may hold several). */
export function lastResult(r: StatementResult): pg.QueryResult | undefined {
  return Array.isArray(r) ? r.at(-1) : r;
}
