/** Column-level lineage of a workflow (validate) and of a run's outputs (get_run). */
import { z } from 'zod';
import type { NodeLineage as CompilerNodeLineage } from '../../../compiler/lineage.js';
import type { LineageRecord } from '../../store/index.js';
import { TypeName } from './column.js';
import type { Same } from './same-type.js';

export const ColumnOrigin = z.union([
  z.object({ node: z.string(), port: z.string(), column: z.string() }),
  z.object({ table: z.string(), column: z.string() }),
]);

export const NodeLineage = z
  .object({
    node: z.string(),
    port: z.string().describe('the output port, or `write` for what an output node writes'),
    columns: z.array(
      z.object({
        name: z.string(),
        type: TypeName,
        from: z.array(ColumnOrigin).describe('the input or table columns it is computed from'),
      }),
    ),
  })
  .describe("a node port's columns and where each comes from");
export type NodeLineage = z.infer<typeof NodeLineage>;

export const OutputLineage = z
  .object({
    outputNode: z.string(),
    outputTable: z.string(),
    column: z.string(),
    sourceTable: z.string().nullable(),
    sourceColumn: z.string().nullable(),
  })
  .describe('a column an output wrote and a warehouse column it is computed from');

const _sameAsCompiler: Same<NodeLineage, CompilerNodeLineage> = true;
const _sameAsStore: Same<z.infer<typeof OutputLineage>, LineageRecord> = true;
