/**
 * DuckDB errors carry no code, only a message that starts with the error type
 * (`Parser Error: …`, `IO Error: …`; see duckdb/common/exception.hpp). The class follows from it.
 */
import { ConnectorError, type ErrorClass } from '../connector.js';

/** `Parser`, `Binder`, `IO`, `INTERRUPT`… the word(s) before ` Error:`. */
export function duckdbErrorType(message: string): string | undefined {
  return /^([A-Za-z][A-Za-z ]*?) Error:/.exec(unwrapDuckDbMessage(message))?.[1];
}

/** The Node binding puts `Failed to extract statements: ` and the like before DuckDB's own text. */
export function unwrapDuckDbMessage(message: string): string {
  return message.replace(/^Failed to [a-z ]+: (?=[A-Za-z][A-Za-z ]*? Error:)/, '');
}

export const SPATIAL_HINT =
  'the DuckDB spatial extension is not loaded: add extensions: [spatial] to the connection (with allowExtensionInstall: true to download it, or run INSTALL spatial once on a machine that can reach extensions.duckdb.org and copy ~/.duckdb/extensions here)';

export const SPATIAL_DOWNLOAD_FAILED_HINT =
  'the DuckDB spatial extension is not loaded: add extensions: [spatial] to the connection; if it cannot be downloaded here, run INSTALL spatial once on a machine that can reach extensions.duckdb.org and copy ~/.duckdb/extensions here';

export const EXTERNAL_ACCESS_HINT =
  "edgeflow's DuckDB reaches no file, URL or other database (external access is off); to let it read files, list their directories in allowFiles on the connection (never the daemon's state directory)";

/** DuckDB refused a file, URL, ATTACH, INSTALL or LOAD because external access is off. */
export function refusedExternalAccess(message: string): boolean {
  return /^Permission Error:/.test(unwrapDuckDbMessage(message));
}

/** A spatial function (ST_Buffer, ST_Point…) that lives in the extension this instance lacks. */
export function needsSpatial(message: string): boolean {
  return /exists in the spatial extension|Extension "?spatial"?|spatial\.duckdb_extension/i.test(message);
}

// IO errors that will fail the same way again: the file or extension is not there.
const PERMANENT_IO = [
  /No files found that match/i,
  /No such file or directory/i,
  /Failed to download extension/i,
  /Extension .* not found/i,
  /Permission denied/i,
];

export function classifyDuckDbMessage(text: string): ErrorClass {
  const message = unwrapDuckDbMessage(text);
  const type = duckdbErrorType(message);
  switch (type) {
    case 'INTERRUPT':
      return 'cancelled';
    case 'IO':
      // Lock contention ("Could not set lock on file … Conflicting lock is held") and passing I/O
      // trouble are worth another try.
      return PERMANENT_IO.some((r) => r.test(message)) ? 'permanent' : 'transient';
    case 'Out of Memory':
      // Another statement may be holding the memory; on its own this one may fit.
      return 'transient';
    case 'TransactionContext':
      // Write-write conflicts between concurrent transactions go away on retry; writing in a
      // read-only transaction does not.
      return /conflict/i.test(message) ? 'transient' : 'permanent';
    default:
      return 'permanent';
  }
}

export function classifyDuckDb(error: unknown): ErrorClass {
  if (error instanceof ConnectorError) return error.errorClass;
  if (error instanceof Error && error.name === 'AbortError') return 'cancelled';
  const message = error instanceof Error ? error.message : String(error);
  return classifyDuckDbMessage(message);
}
