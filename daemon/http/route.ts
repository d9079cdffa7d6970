/**
 * Routes are declared once, as data: method, path, the scope they need, and the zod schemas of
 * their path parameters, query and body. The same declaration mounts the route on hono (with its
 * scope check and validation) and writes its entry in the OpenAPI document, so the two cannot
 * drift apart.
 */
import type { Context, Hono } from 'hono';
import { type z } from 'zod';
import type { Scope } from '../auth/scopes.js';
import type { ApiEnv } from './env.js';
import { ApiError } from './errors.js';
import { requireScope } from './middleware/auth.js';

export type Method = 'get' | 'post' | 'put' | 'delete';

type Shape = z.ZodObject<Record<string, z.ZodType>>;
type Out<T> = T extends z.ZodType ? z.output<T> : undefined;

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** Default application/json. */
  contentType?: string;
}

export interface RouteSpec<
  P extends Shape | undefined,
  Q extends Shape | undefined,
  B extends z.ZodType | undefined,
> {
  method: Method;
  /** hono syntax: `/v1/runs/:id`. */
  path: string;
  /** The least scope a token needs; null: no token (only /healthz and /readyz). */
  scope: Scope | null;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  /** An empty body stands for `{}` (every field of the body is optional). */
  optionalBody?: boolean;
  /** The error for a body the schema rejects (default: 400 INVALID_REQUEST with the issues). */
  invalidBody?: (raw: unknown) => ApiError;
  /** Request headers the route reads (documented; the handler reads them). */
  headers?: Array<{ name: string; description: string; schema?: z.ZodType }>;
  responses: Record<number, ResponseSpec>;
  handler: (
    c: Context<ApiEnv>,
    input: { params: Out<P>; query: Out<Q>; body: Out<B> },
  ) => Response | Promise<Response>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a list of routes of every shape
export type AnyRoute = RouteSpec<any, any, any>;

/** Declares a route (typed input for its handler). */
export function route<
  P extends Shape | undefined = undefined,
  Q extends Shape | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(spec: RouteSpec<P, Q, B>): AnyRoute {
  return spec as AnyRoute;
}

/** Mounts routes: each gets its scope check, then validated input, then its handler. */
export function mountRoutes(app: Hono<ApiEnv>, routes: readonly AnyRoute[]): void {
  for (const r of routes) {
    const handle = async (c: Context<ApiEnv>) => {
      const params = r.params ? validate(r.params, c.req.param(), 'path') : undefined;
      const query = r.query ? validate(r.query, c.req.query(), 'query') : undefined;
      const body = r.body ? await readBody(c, r) : undefined;
      return r.handler(c, { params, query, body });
    };
    const markRoute = async function markRoute(c: Context<ApiEnv>, next: () => Promise<void>) {
      c.set('route', r.path);
      await next();
    };
    if (r.scope) app.on(r.method.toUpperCase(), r.path, markRoute, requireScope(r.scope), handle);
    else app.on(r.method.toUpperCase(), r.path, markRoute, handle);
  }
}

/** The methods each path pattern takes, for 405 answers. */
export function methodsByPath(routes: readonly AnyRoute[]): (path: string) => string[] {
  const patterns = routes.map((r) => ({
    method: r.method.toUpperCase(),
    re: new RegExp(`^${r.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z_]+/g, '[^/]+')}$`),
  }));
  return (path) => [...new Set(patterns.filter((p) => p.re.test(path)).map((p) => p.method))];
}

async function readBody(c: Context<ApiEnv>, r: AnyRoute): Promise<unknown> {
  const raw = await readJson(c, r.optionalBody === true);
  if (r.invalidBody) {
    const parsed = r.body.safeParse(raw);
    if (!parsed.success) throw r.invalidBody(raw);
    return parsed.data;
  }
  return validate(r.body, raw, 'body');
}

async function readJson(c: Context<ApiEnv>, emptyIsObject: boolean): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '' && emptyIsObject) return {};
  if (text.trim() === '')
    throw new ApiError('INVALID_JSON', 'this request needs a JSON body (Content-Type: application/json)');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ApiError('INVALID_JSON', `the request body is not valid JSON: ${(e as Error).message}`);
  }
}

function validate<T extends z.ZodType>(
  schema: T,
  value: unknown,
  where: 'path' | 'query' | 'body',
): z.output<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({
    path: [where, ...i.path.map(String)].join('.'),
    message: i.message,
    ...(i.code === 'unrecognized_keys' ? { keys: (i as { keys: string[] }).keys } : {}),
  }));
  throw new ApiError(
    'INVALID_REQUEST',
    `invalid ${where === 'body' ? 'request body' : where === 'query' ? 'query string' : 'path'}: ${issues
      .slice(0, 3)
      .map((i) => `${i.path}: ${i.message}`)
      .join('; ')}`,
    { issues },
  );
}
