/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the route declarations and their zod
 * schemas (z.toJSONSchema, JSON Schema 2020-12, which OpenAPI 3.1 uses as is). Nothing here
 * restates a shape by hand.
 */
import { z } from 'zod';
import type { AnyRoute } from './route.js';
import { apiSchemas } from './schemas.js';

const REF = (id: string) => `#/components/schemas/${id}`;
const OPTS = { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' } as const;

type Json = Record<string, unknown>;

export function openApiDocument(routes: readonly AnyRoute[], info: { version: string }): Json {
  const components = z.toJSONSchema(apiSchemas, { ...OPTS, uri: REF }).schemas as Record<string, Json>;
  for (const s of Object.values(components)) {
    // Each entry lives inside this document: no $id or $schema of its own.
    delete s['$id'];
    delete s['$schema'];
  }
  const schemaOf = (schema: z.ZodType): Json => {
    const id = apiSchemas.get(schema)?.id;
    if (id) return { $ref: REF(id) };
    const s = z.toJSONSchema(schema, OPTS) as Json;
    delete s['$schema'];
    return s;
  };

  const paths: Record<string, Record<string, Json>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    const parameters: Json[] = [];
    for (const [where, obj] of [
      ['path', r.params],
      ['query', r.query],
    ] as const) {
      if (!obj) continue;
      for (const [name, field] of Object.entries((obj as z.ZodObject).shape)) {
        const f = field as z.ZodType;
        const { description, ...schema } = schemaOf(f);
        parameters.push({
          name,
          in: where,
          required: where === 'path' || !f.safeParse(undefined).success,
          ...(description ? { description } : {}),
          schema,
        });
      }
    }
    for (const h of r.headers ?? [])
      parameters.push({
        name: h.name,
        in: 'header',
        required: false,
        description: h.description,
        ...(h.schema ? { schema: schemaOf(h.schema) } : {}),
      });
    const op: Json = {
      operationId: r.operationId,
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      tags: [r.tag],
      ...(parameters.length ? { parameters } : {}),
      ...(r.body
        ? {
            requestBody: {
              required: !r.optionalBody,
              content: { 'application/json': { schema: schemaOf(r.body) } },
            },
          }
        : {}),
      responses: Object.fromEntries(
        Object.entries(r.responses).map(([status, res]) => [
          status,
          {
            description: res.description,
            ...(res.schema
              ? { content: { [res.contentType ?? 'application/json']: { schema: schemaOf(res.schema) } } }
              : {}),
          },
        ]),
      ),
      security: r.scope ? [{ bearer: [] }] : [],
      // The least scope the route needs (read < run < write < admin).
      'x-edgeflow-scope': r.scope ?? 'none',
    };
    (paths[path] ??= {})[r.method] = op;
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'edgeflow',
      version: info.version,
      description:
        'Compile workflows into warehouse SQL, run and schedule them. Every route but /healthz and /readyz needs `Authorization: Bearer <token>`; a token has scopes read < run < write < admin, and each operation names the least it needs in `x-edgeflow-scope`. Errors are `{"error": {"code", "message", "details"}}`.',
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'an edgeflow API token (ef_…): `edgeflow token create --scopes read`',
        },
      },
    },
  };
}
