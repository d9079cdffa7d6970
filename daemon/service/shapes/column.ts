/**
 * A column and its type as every face answers it: the type is the workflow format's own string
 * (`bigint`, `decimal(12,2)`, `timestamp`), what a `columns:` block declares, never an object.
 */
import { z } from 'zod';
import { formatType, type PortableType } from '../../../compiler/schema/types.js';

export const TypeName = z
  .string()
  .describe(
    'the portable type as the workflow format writes it: int, bigint, double, decimal(p,s), string, bool, date, timestamp, timestamptz, geography; another warehouse type by its own name, e.g. json',
  );

export const Column = z.object({ name: z.string(), type: TypeName });
export type Column = z.infer<typeof Column>;

/** A column with a portable type, as answered (its type written as the workflow format does). */
export function columnOf(c: { name: string; type: PortableType }): Column {
  return { name: c.name, type: formatType(c.type) };
}
