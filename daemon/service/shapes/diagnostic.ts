/** A compiler diagnostic as every face answers it: the compiler's Diagnostic, field for field. */
import { z } from 'zod';
import { DIAGNOSTIC_CODES, type Diagnostic as CompilerDiagnostic } from '../../../compiler/diagnostics.js';
import type { Same } from './same-type.js';

export const TextSpan = z
  .object({
    start: z.number().int(),
    end: z.number().int(),
    line: z.number().int(),
    column: z.number().int(),
  })
  .describe('where in the expression text: 0-based offsets, 1-based line and column');

export const Diagnostic = z
  .object({
    code: z.enum(DIAGNOSTIC_CODES).describe('a stable code, e.g. UNKNOWN_COLUMN'),
    severity: z.enum(['error', 'warning']),
    message: z.string(),
    path: z.string().describe('JSON path into the workflow document, e.g. $.nodes[1].config.where'),
    nodeId: z.string().optional(),
    hint: z.string().optional().describe('what to do about it'),
    span: TextSpan.optional(),
    dialect: z.string().optional(),
  })
  .describe('what the compiler found, where, and a hint');
export type Diagnostic = z.infer<typeof Diagnostic>;

const _sameAsCompiler: Same<Diagnostic, CompilerDiagnostic> = true;
