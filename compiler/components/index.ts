/** The v1 component catalog (DESIGN.md §1.3) and the spatial pack (§1.8). */
import type { ComponentDefinition } from './component.js';
import { aggregate } from './aggregate.js';
import { join } from './join.js';
import { outputTable } from './output-table.js';
import { cast, compute, drop, fillNulls, rename, select } from './projection.js';
import { dedupe, distinct, filter, limit, sample, sort, topNComponent } from './rows.js';
import { sourceSql } from './source-sql.js';
import { sourceTable } from './source-table.js';
import { sourceValues } from './source-values.js';
import { sqlComponent } from './sql.js';
import { union } from './union.js';
import { windowComponent } from './window.js';
import { spatialPoint } from './spatial-point.js';
import { spatialBuffer } from './spatial-buffer.js';
import { spatialJoin } from './spatial-join.js';
import { spatialNearest } from './spatial-nearest.js';
import { h3FromPoint } from './h3-from-point.js';
import { h3Polyfill } from './h3-polyfill.js';

export const COMPONENTS: ReadonlyArray<ComponentDefinition<unknown>> = [
  sourceTable,
  sourceSql,
  sourceValues,
  select,
  drop,
  rename,
  compute,
  cast,
  fillNulls,
  filter,
  sort,
  limit,
  distinct,
  dedupe,
  aggregate,
  windowComponent,
  topNComponent,
  join,
  union,
  sample,
  sqlComponent,
  spatialPoint,
  spatialBuffer,
  spatialJoin,
  spatialNearest,
  h3FromPoint,
  h3Polyfill,
  outputTable,
] as ReadonlyArray<ComponentDefinition<unknown>>;

const BY_ID = new Map(COMPONENTS.map((c) => [c.id, c]));

export function getComponent(id: string): ComponentDefinition<unknown> | undefined {
  return BY_ID.get(id);
}

export const COMPONENT_IDS: readonly string[] = COMPONENTS.map((c) => c.id);

export type { ComponentDefinition } from './component.js';
