/**
 * The shapes the UI reads, as the daemon declares them (daemon/service/shapes/): types only, so
 * nothing of the daemon is bundled.
 */
import type { z } from 'zod';
import type * as shapes from '../../daemon/service/shapes/index.js';

export type { ComponentDoc } from '../../compiler/docs.js';

export type Diagnostic = z.infer<typeof shapes.Diagnostic>;
export type Column = z.infer<typeof shapes.Column>;
export type NodeLineage = z.infer<typeof shapes.NodeLineage>;
export type ValidateResult = z.infer<typeof shapes.ValidateResult>;
export type CompileResult = z.infer<typeof shapes.CompileResult>;
export type PreviewResult = z.infer<typeof shapes.PreviewResult>;
export type RunRecord = z.infer<typeof shapes.RunRecord>;
export type RunStep = z.infer<typeof shapes.RunStep>;
export type RunView = z.infer<typeof shapes.RunView>;
export type RunList = z.infer<typeof shapes.RunList>;
export type LogRecord = z.infer<typeof shapes.LogRecord>;
export type Schedule = z.infer<typeof shapes.Schedule>;
export type WorkflowSummary = z.infer<typeof shapes.WorkflowSummary>;
export type SavedWorkflow = z.infer<typeof shapes.SavedWorkflow>;
export type SaveWorkflowResult = z.infer<typeof shapes.SaveWorkflowResult>;
export type ConnectionSummary = z.infer<typeof shapes.ConnectionSummary>;
export type UiSessionInfo = z.infer<typeof shapes.UiSessionInfo>;
export type Scope = UiSessionInfo['scope'];

/** A workflow document as the UI edits it (the format of DESIGN.md §1.1; the daemon checks it). */
export interface WorkflowDoc {
  edgeflow: number;
  name: string;
  description?: string;
  connection?: string;
  params?: Record<string, { type: string; default?: unknown; description?: string }>;
  nodes: WorkflowNode[];
  schedule?: { cron: string; timezone?: string; catchup?: string; maxCatchup?: number };
  [key: string]: unknown;
}

export interface WorkflowNode {
  id: string;
  type: string;
  inputs?: Record<string, string | string[]>;
  config?: Record<string, unknown>;
  [key: string]: unknown;
}
