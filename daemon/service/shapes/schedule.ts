/** A workflow's schedule, as schedule_workflow, get_workflow and PUT …/schedule answer it. */
import { z } from 'zod';
import type { ScheduleRecord } from '../../store/index.js';
import type { Same } from './same-type.js';

export const Schedule = z.object({
  workflow: z.string(),
  cron: z.string(),
  timezone: z.string(),
  catchup: z.enum(['none', 'latest', 'all']),
  maxCatchup: z.number().int(),
  enabled: z.boolean(),
  params: z.record(z.string(), z.unknown()).describe('parameter values every fire runs with'),
  connection: z.string().nullable().describe("the connection to run on; null: the workflow's own"),
  lastNominalAt: z.string().nullable(),
  nextFireAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Schedule = z.infer<typeof Schedule>;

const _sameAsStore: Same<Schedule, ScheduleRecord> = true;
