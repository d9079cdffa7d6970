/**
 * The HTTP API (DESIGN.md §1.6): a thin face over the service layer. This version serves health,
 * the catalog of components, connections and tables, validate, compile and preview.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { ServiceError, type Service } from '../service/index.js';
import { tokenMatches } from '../auth/tokens.js';

const workflowBody = z.strictObject({
  workflow: z.unknown().refine((v) => v !== undefined, 'required'),
  connection: z.string().optional(),
  dialect: z.string().optional(),
  offline: z.boolean().optional(),
});
const compileBody = workflowBody.extend({
  node: z.string().optional(),
  plan: z.boolean().optional(),
  params: z.record(z.string(), z.unknown()).optional(),
  runId: z
    .string()
    .regex(/^[A-Za-z0-9_]{1,40}$/)
    .optional(),
});
const previewBody = workflowBody.extend({
  node: z.string().min(1),
  limit: z.number().int().min(1).max(1000).optional(),
  params: z.record(z.string(), z.unknown()).optional(),
});

function jsonError(c: Context, status: number, code: string, message: string, details?: unknown) {
  return c.json({ error: { code, message, ...(details !== undefined ? { details } : {}) } }, status as 400);
}

async function body<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new ServiceError('INVALID_REQUEST', 'the request body is not valid JSON');
  }
  const r = schema.safeParse(raw);
  if (!r.success)
    throw new ServiceError('INVALID_REQUEST', 'invalid request body', {
      issues: r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  return r.data;
}

export function createHttpApp(service: Service, auth: { adminTokenHash: Buffer }): Hono {
  const app = new Hono();

  app.onError((err, c) => {
    if (err instanceof ServiceError) return jsonError(c, err.status, err.code, err.message, err.details);
    return jsonError(c, 500, 'INTERNAL', 'internal error; see the daemon log');
  });
  app.notFound((c) => jsonError(c, 404, 'NOT_FOUND', `no route ${c.req.method} ${c.req.path}`));

  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: 2 * 1024 * 1024,
      onError: (c) => jsonError(c, 413, 'INVALID_REQUEST', 'request body larger than 2 MB'),
    }),
  );
  app.use('/v1/*', async function bearerAuth(c, next) {
    const header = c.req.header('authorization') ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m || !tokenMatches(m[1]!, auth.adminTokenHash)) {
      c.header('WWW-Authenticate', 'Bearer');
      return jsonError(c, 401, 'UNAUTHORIZED', 'a valid bearer token is required (Authorization: Bearer …)');
    }
    await next();
  });

  app.get('/v1/components', (c) => c.json({ components: service.components() }));
  app.get('/v1/components/:id', (c) => c.json(service.component(c.req.param('id'))));
  app.get('/v1/connections', (c) => c.json({ connections: service.connections() }));
  app.get('/v1/connections/:name/tables', async (c) => {
    const schema = c.req.query('schema');
    return c.json({ tables: await service.listTables(c.req.param('name'), schema ? { schema } : {}) });
  });
  app.get('/v1/connections/:name/tables/:table', async (c) =>
    c.json(await service.describeTable(c.req.param('name'), c.req.param('table'))),
  );
  app.post('/v1/validate', async (c) => c.json(await service.validate(await body(c, workflowBody))));
  app.post('/v1/compile', async (c) => {
    const r = await service.compile(await body(c, compileBody));
    return c.json(r, r.ok ? 200 : 422);
  });
  app.post('/v1/preview', async (c) => {
    const r = await service.preview(await body(c, previewBody));
    return c.json(r, r.ok ? 200 : 422);
  });
  return app;
}
