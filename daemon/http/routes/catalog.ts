/** Components, connections, tables, and the compiler's validate / compile / preview. */
import { z } from 'zod';
import type { Service } from '../../service/index.js';
import { route, type AnyRoute } from '../route.js';
import {
  CompileRequest,
  CompileResponse,
  ConnectionList,
  ConnectionParam,
  PreviewRequest,
  PreviewResponse,
  TableDescription,
  TableList,
  TableParam,
  TablesQuery,
  ValidateRequest,
  ValidateResponse,
} from '../schemas.js';
import { errors, invalidWorkflow } from './common.js';

export type CatalogService = Pick<
  Service,
  | 'components'
  | 'component'
  | 'connections'
  | 'listTables'
  | 'describeTable'
  | 'validate'
  | 'compile'
  | 'preview'
  | 'redactor'
>;

export function catalogRoutes(service: CatalogService): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/v1/components',
      scope: 'read',
      operationId: 'listComponents',
      tag: 'catalog',
      summary: 'The component catalog: ports, config schema, example and dialect support of each',
      responses: { 200: { description: '{ components: [...] }' }, ...errors(401) },
      handler: (c) => c.json({ components: service.components() }),
    }),
    route({
      method: 'get',
      path: '/v1/components/:id',
      scope: 'read',
      operationId: 'getComponent',
      tag: 'catalog',
      summary: 'One component',
      params: z.object({ id: z.string().min(1) }),
      responses: { 200: { description: 'the component' }, ...errors(401, 404) },
      handler: (c, { params }) => c.json(service.component(params.id)),
    }),
    route({
      method: 'get',
      path: '/v1/connections',
      scope: 'read',
      operationId: 'listConnections',
      tag: 'catalog',
      summary: 'The configured connections (names, types, dialects; never a secret)',
      responses: { 200: { description: 'the connections', schema: ConnectionList }, ...errors(401) },
      handler: (c) => c.json({ connections: service.connections() }),
    }),
    route({
      method: 'get',
      path: '/v1/connections/:name/tables',
      scope: 'read',
      operationId: 'listTables',
      tag: 'catalog',
      summary: 'Tables and views of a connection',
      params: ConnectionParam,
      query: TablesQuery,
      responses: {
        200: { description: 'the tables', schema: TableList },
        ...errors(401, 404, 502, 503),
      },
      handler: async (c, { params, query }) =>
        c.json(await service.listTables(params.name, query.schema ? { schema: query.schema } : {})),
    }),
    route({
      method: 'get',
      path: '/v1/connections/:name/tables/:table',
      scope: 'read',
      operationId: 'describeTable',
      tag: 'catalog',
      summary: 'Columns and types of a table',
      params: TableParam,
      responses: {
        200: { description: 'the table', schema: TableDescription },
        ...errors(401, 404, 502, 503),
      },
      handler: async (c, { params }) => c.json(await service.describeTable(params.name, params.table)),
    }),
    route({
      method: 'post',
      path: '/v1/validate',
      scope: 'read',
      operationId: 'validateWorkflow',
      tag: 'compiler',
      summary: 'Check a workflow (against the live catalog when the connection is reachable)',
      description: 'Answers 200 whether valid or not: `valid` and `diagnostics` say which.',
      body: ValidateRequest,
      responses: { 200: { description: 'the verdict', schema: ValidateResponse }, ...errors(400, 401, 413) },
      // A client that goes away while the request waits for a compile slot leaves the queue.
      handler: async (c, { body }) => c.json(await service.validate({ ...body, signal: c.req.raw.signal })),
    }),
    route({
      method: 'post',
      path: '/v1/compile',
      scope: 'read',
      operationId: 'compileWorkflow',
      tag: 'compiler',
      summary: "The SQL of a workflow: a node's SELECT, or the run plan's statements",
      body: CompileRequest,
      responses: {
        200: { description: 'the SQL', schema: CompileResponse },
        ...errors(400, 401, 413, 422),
      },
      handler: async (c, { body }) => {
        const r = await service.compile({ ...body, signal: c.req.raw.signal });
        if (!r.ok) throw invalidWorkflow(r.diagnostics, r);
        return c.json(r);
      },
    }),
    route({
      method: 'post',
      path: '/v1/preview',
      scope: 'read',
      operationId: 'previewWorkflow',
      tag: 'compiler',
      summary: 'The first rows of a node, computed in the warehouse',
      body: PreviewRequest,
      responses: {
        200: { description: 'the rows', schema: PreviewResponse },
        ...errors(400, 401, 413, 422, 502, 503),
      },
      handler: async (c, { body }) => {
        // The client's disconnect stops the statement; the token's share of previews applies.
        const r = await service.preview({ ...body, signal: c.req.raw.signal, caller: c.get('token').id });
        if (!r.ok) throw invalidWorkflow(r.diagnostics, r);
        return c.json(r);
      },
    }),
  ];
}
