/**
 * BigQuery's real grammar as a test oracle: Google's ZetaSQL front end (the parser and analyzer
 * BigQuery is built on), shipped on npm as `@fivetrandevelopers/zetasql` with a prebuilt gRPC
 * server binary per platform. `startBigQueryGrammar()` starts that binary on a free 127.0.0.1
 * port (nothing leaves the machine) and talks to it with gRPC:
 *
 * - `check(sql)` parses one statement (syntax only: keywords, quoting, literals, clause order);
 * - `analyze(sql, tables)` also resolves names and types against the given tables and ZetaSQL's
 *   built-in function signatures, the way BigQuery does before running anything (an unknown
 *   function, `MOD(FLOAT64, FLOAT64)`, `TIMESTAMP_ADD(…, INTERVAL 1 MONTH)` are errors there).
 *
 * Language options: ZetaSQL's maximum feature set, QUALIFY reserved and PRODUCT_EXTERNAL type
 * names (INT64/FLOAT64, as BigQuery). `bigQueryGrammarUnavailable()` says why the binary cannot
 * run on this machine (for `describe.skipIf`), or undefined when it can.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import type * as Grpc from '@grpc/grpc-js';
import type * as ProtoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from '@fivetrandevelopers/zetasql/lib/types/local_service.js';
import type { LanguageOptionsProto } from '@fivetrandevelopers/zetasql/lib/types/zetasql/LanguageOptionsProto.js';
import type { ZetaSqlLocalServiceClient } from '@fivetrandevelopers/zetasql/lib/types/zetasql/local_service/ZetaSqlLocalService.js';
import type { SimpleCatalogProto } from '@fivetrandevelopers/zetasql/lib/types/zetasql/SimpleCatalogProto.js';
import type { SimpleTableProto } from '@fivetrandevelopers/zetasql/lib/types/zetasql/SimpleTableProto.js';
import type { TypeKind } from '@fivetrandevelopers/zetasql/lib/types/zetasql/TypeKind.js';
import type { TypeProto } from '@fivetrandevelopers/zetasql/lib/types/zetasql/TypeProto.js';
import type { FunctionProto } from '@fivetrandevelopers/zetasql/lib/types/zetasql/FunctionProto.js';

export type GrammarResult = { ok: true } | { ok: false; message: string };

/** A table the analyzer may read or write: its name parts and BigQuery column types. */
export interface GrammarTable {
  path: readonly string[];
  /** `type` is a BigQuery type name; parameters are ignored (`NUMERIC(12,2)` is NUMERIC). */
  columns: ReadonlyArray<{ name: string; type: string }>;
}

/**
 * A user-defined function the analyzer may call (a CARTO Analytics Toolbox function, say): its
 * full path (`carto-os.carto.H3_CENTER` is `['carto-os', 'carto', 'H3_CENTER']`), argument types
 * and result type, as BigQuery type names (`ARRAY<STRING>` for an array).
 */
export interface GrammarFunction {
  path: readonly string[];
  args: readonly string[];
  returns: string;
}

export interface BigQueryGrammar {
  /** Parses one statement with BigQuery's grammar. */
  check(sql: string): Promise<GrammarResult>;
  /** Parses and resolves one statement (names, types, function signatures) over `tables` and `functions`. */
  analyze(
    sql: string,
    tables: readonly GrammarTable[],
    functions?: readonly GrammarFunction[],
  ): Promise<GrammarResult>;
  close(): Promise<void>;
}

const PACKAGE = '@fivetrandevelopers/zetasql';
const require = createRequire(import.meta.url);

function packageDir(): string | undefined {
  try {
    return path.dirname(require.resolve(`${PACKAGE}/package.json`));
  } catch {
    return undefined;
  }
}

/** The server binary the package ships for this platform (the package's own naming). */
function binaryName(): string | undefined {
  const arch = process.arch === 'x64' ? '' : process.arch === 'arm64' ? '_arm' : undefined;
  if (arch === undefined) return undefined;
  if (process.platform === 'linux') return `remote_server${arch}.so`;
  if (process.platform === 'darwin') return `remote_server${arch}`;
  return undefined;
}

/** Why the ZetaSQL server cannot run here, or undefined when it can. */
export function bigQueryGrammarUnavailable(): string | undefined {
  const dir = packageDir();
  if (!dir) return `${PACKAGE} is not installed (it is a devDependency: run npm ci)`;
  const bin = binaryName();
  if (!bin) return `${PACKAGE} ships no server binary for ${process.platform}/${process.arch}`;
  if (!existsSync(path.join(dir, 'lib', 'zetasql', bin)))
    return `${PACKAGE} is installed without its ${bin} binary`;
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * The server runs under a small shell that stops it when its standard input closes: on close(),
 * and also when this process dies without closing (a crash, an out-of-memory kill), so no
 * orphaned server is left listening.
 */
const SUPERVISOR = `"$1" "$2" "$3" & pid=$!
echo "zetasql-pid $pid"
read _ignored
kill $pid 2>/dev/null
wait $pid`;

interface Server {
  child: ChildProcess;
  /** The server's own process id (the child is its supervising shell). */
  pid: number;
}

/** Spawns the server and resolves once it listens (it prints `Server listening on HOST:PORT`). */
function spawnServer(binary: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', SUPERVISOR, 'zetasql', binary, '127.0.0.1', String(port)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let settled = false;
    const timer = setTimeout(() => fail(new Error('did not listen within 30 s')), 30_000);
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.stdin!.end();
      reject(new Error(`ZetaSQL server ${binary}: ${e.message}\n${out}`));
    };
    const onData = (d: Buffer) => {
      if (settled) return;
      out += d.toString();
      const pid = /zetasql-pid (\d+)/.exec(out);
      if (pid && out.includes('Server listening on')) {
        settled = true;
        clearTimeout(timer);
        resolve({ child, pid: Number(pid[1]) });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', fail);
    child.once('exit', (code, signal) => fail(new Error(`exited (${signal ?? code}) before listening`)));
  });
}

type Unary<Req, Res> = (req: Req, cb: (err: Grpc.ServiceError | null, res?: Res) => void) => unknown;

function call<Req, Res>(fn: Unary<Req, Res>, client: ZetaSqlLocalServiceClient, req: Req): Promise<Res> {
  return new Promise((resolve, reject) =>
    fn.call(client, req, (err, res) => (err ? reject(err) : resolve(res as Res))),
  );
}

/**
 * Calls a method whose answer is not needed, without decoding it: a parsed or resolved AST can
 * be hundreds of megabytes once decoded into JavaScript objects (a chain of wide CTEs).
 */
function callDiscarding<Req>(
  client: ZetaSqlLocalServiceClient,
  method: { path: string; requestSerialize: (req: Req) => Buffer },
  req: Req,
): Promise<void> {
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest(
      method.path,
      method.requestSerialize,
      (bytes: Buffer) => bytes.length,
      req,
      (err: Grpc.ServiceError | null) => (err ? reject(err) : resolve()),
    ),
  );
}

function isServiceError(e: unknown): e is Grpc.ServiceError {
  return e instanceof Error && typeof (e as Grpc.ServiceError).code === 'number';
}

const TYPE_KINDS: Record<string, TypeKind> = {
  INT64: 'TYPE_INT64',
  FLOAT64: 'TYPE_DOUBLE',
  NUMERIC: 'TYPE_NUMERIC',
  BIGNUMERIC: 'TYPE_BIGNUMERIC',
  STRING: 'TYPE_STRING',
  BYTES: 'TYPE_BYTES',
  BOOL: 'TYPE_BOOL',
  DATE: 'TYPE_DATE',
  DATETIME: 'TYPE_DATETIME',
  TIMESTAMP: 'TYPE_TIMESTAMP',
  TIME: 'TYPE_TIME',
  GEOGRAPHY: 'TYPE_GEOGRAPHY',
  JSON: 'TYPE_JSON',
  INTERVAL: 'TYPE_INTERVAL',
};

/** A BigQuery type name as a ZetaSQL type (`ARRAY<T>` included). */
function typeProto(bigQueryType: string): TypeProto {
  const array = /^ARRAY<(.+)>$/i.exec(bigQueryType.trim());
  if (array) return { typeKind: 'TYPE_ARRAY', arrayType: { elementType: typeProto(array[1]!) } };
  return { typeKind: typeKind(bigQueryType) };
}

function typeKind(bigQueryType: string): TypeKind {
  const base = bigQueryType.replace(/\(.*$/, '').trim().toUpperCase();
  const kind = TYPE_KINDS[base];
  if (!kind) throw new Error(`bigquery-grammar: no ZetaSQL type for ${bigQueryType}`);
  return kind;
}

/** Nested catalogs so that `a.b.t` resolves as it does in BigQuery (project, dataset, table). */
function catalogOf(
  tables: readonly GrammarTable[],
  language: LanguageOptionsProto,
  functions: readonly GrammarFunction[] = [],
): SimpleCatalogProto {
  interface Node {
    tables: SimpleTableProto[];
    functions: FunctionProto[];
    children: Map<string, Node>;
  }
  const root: Node = { tables: [], functions: [], children: new Map() };
  const nodeAt = (path: readonly string[]) => {
    let node = root;
    for (const part of path) {
      let next = node.children.get(part);
      if (!next) node.children.set(part, (next = { tables: [], functions: [], children: new Map() }));
      node = next;
    }
    return node;
  };
  for (const f of functions)
    nodeAt(f.path.slice(0, -1)).functions.push({
      namePath: [f.path[f.path.length - 1]!],
      group: 'UDF',
      mode: 'SCALAR',
      signature: [
        {
          argument: f.args.map((a) => ({ kind: 'ARG_TYPE_FIXED', type: typeProto(a), numOccurrences: 1 })),
          returnType: { kind: 'ARG_TYPE_FIXED', type: typeProto(f.returns) },
        },
      ],
    });
  const column = (c: GrammarTable['columns'][number]) => ({
    name: c.name,
    type: { typeKind: typeKind(c.type) },
  });
  for (const t of tables) {
    // BigQuery also reads `project.dataset.table` written as one quoted identifier.
    if (t.path.length > 1) root.tables.push({ name: t.path.join('.'), column: t.columns.map(column) });
    nodeAt(t.path.slice(0, -1)).tables.push({
      name: t.path[t.path.length - 1]!,
      column: t.columns.map(column),
    });
  }
  const toProto = (name: string, n: Node): SimpleCatalogProto => ({
    name,
    table: n.tables,
    customFunction: n.functions,
    catalog: [...n.children].map(([k, v]) => toProto(k, v)),
  });
  return { ...toProto('edgeflow', root), builtinFunctionOptions: { languageOptions: language } };
}

export async function startBigQueryGrammar(): Promise<BigQueryGrammar> {
  const unavailable = bigQueryGrammarUnavailable();
  if (unavailable) throw new Error(unavailable);
  const dir = packageDir()!;
  const binary = path.join(dir, 'lib', 'zetasql', binaryName()!);
  // gRPC comes from the package's own dependencies, so its versions match the generated types.
  const fromPackage = createRequire(path.join(dir, 'lib', 'index.js'));
  const grpc = fromPackage('@grpc/grpc-js') as typeof Grpc;
  const protoLoader = fromPackage('@grpc/proto-loader') as typeof ProtoLoader;

  let server: Server | undefined;
  let port = 0;
  for (let attempt = 1; !server; attempt++) {
    port = await freePort();
    try {
      server = await spawnServer(binary, port);
    } catch (e) {
      if (attempt >= 3) throw e; // another process may have taken the port in between
    }
  }
  const { child, pid } = server;
  const killOnExit = () => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', killOnExit);

  const definition = protoLoader.loadSync('local_service.proto', {
    defaults: true,
    oneofs: true,
    includeDirs: [path.join(dir, 'lib', 'zetasql', 'protos')],
  });
  const proto = grpc.loadPackageDefinition(definition) as unknown as ProtoGrpcType;
  const service = proto.zetasql.local_service.ZetaSqlLocalService;
  const client = new service(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    'grpc.enable_http_proxy': 0,
    'grpc.max_receive_message_length': 256 * 1024 * 1024,
  });

  const max = await call(client.getLanguageOptions, client, { maximumFeatures: true });
  const language: LanguageOptionsProto = {
    ...max,
    productMode: 'PRODUCT_EXTERNAL',
    reservedKeywords: ['QUALIFY'],
    supportedStatementKinds: [], // empty: every statement kind
  };
  const analyzerOptions = {
    languageOptions: language,
    errorMessageMode: 'ERROR_MESSAGE_MULTI_LINE_WITH_CARET' as const,
    allowUndeclaredParameters: true, // previews bind @name parameters
  };
  const catalogs = new Map<string, Promise<string>>();
  const registered = async (
    tables: readonly GrammarTable[],
    functions: readonly GrammarFunction[] = [],
  ): Promise<string> => {
    const key = JSON.stringify([tables, functions]);
    let id = catalogs.get(key);
    if (!id) {
      id = call(client.registerCatalog, client, {
        simpleCatalog: catalogOf(tables, language, functions),
      }).then((r) => String(r.registeredId));
      catalogs.set(key, id);
    }
    return id;
  };

  const analyzeWith = async (sql: string, catalogId: string): Promise<GrammarResult> => {
    try {
      await callDiscarding(client, service.service.Analyze, {
        registeredCatalogId: catalogId,
        options: analyzerOptions,
        sqlStatement: sql,
      });
      return { ok: true };
    } catch (e) {
      if (isServiceError(e) && e.code === grpc.status.INVALID_ARGUMENT)
        return { ok: false, message: e.details };
      throw e;
    }
  };

  return {
    async check(sql) {
      try {
        await callDiscarding(client, service.service.Parse, { sqlStatement: sql, options: language });
        return { ok: true };
      } catch (e) {
        if (!isServiceError(e) || e.code !== grpc.status.INVALID_ARGUMENT) throw e;
        // Parse errors carry no position; the analyzer reports the same syntax error with a caret.
        const located = await analyzeWith(sql, await registered([]));
        const message =
          !located.ok && located.message.startsWith('Syntax error') ? located.message : e.details;
        return { ok: false, message };
      }
    },
    async analyze(sql, tables, functions = []) {
      return analyzeWith(sql, await registered(tables, functions));
    },
    async close() {
      client.close();
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          killOnExit();
          child.kill('SIGKILL');
        }, 5_000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        child.stdin!.end(); // the supervisor stops the server and waits for it
      });
    },
  };
}
