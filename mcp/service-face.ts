/**
 * The part of the service layer (daemon/service/) the MCP server uses. `Service` satisfies it
 * structurally, so the server can be given the daemon's service, or a narrower one in a test.
 */
import type {
  AssistantResult,
  ComponentDoc,
  ExpressionReference,
  FunctionReference,
  ConnectionSummary,
  CompileResult,
  Diagnostic,
  EstimateResult,
  LogRecord,
  PreviewResult,
  RunRecord,
  RunView,
  SaveWorkflowResult,
  ScheduleRecord,
  ScheduleRequestInput,
  StartRunRequest,
  StartRunResult,
  TableDescription,
  TableList,
  GenerateRequest,
  InteractiveWork,
  ValidateResult,
  WorkflowRequest,
  WorkflowSummary,
  WorkflowVersion,
} from '../daemon/service/index.js';

export interface McpService {
  /** What every message sent goes through (the daemon's redactor); none in some tests. */
  readonly redactor?: { value<T>(v: T): T };
  connections(): ConnectionSummary[];
  listTables(connection: string, opts?: { schema?: string }): Promise<TableList>;
  describeTable(connection: string, table: string): Promise<TableDescription>;
  components(): ComponentDoc[];
  component(id: string): ComponentDoc;
  expressions(): ExpressionReference;
  expressionsMarkdown(): string;
  expressionFunction(name: string): FunctionReference;

  validate(req: WorkflowRequest): Promise<ValidateResult>;
  compile(
    req: WorkflowRequest & { node?: string; plan?: boolean; params?: Record<string, unknown> },
  ): Promise<CompileResult>;
  preview(
    req: WorkflowRequest & {
      node: string;
      limit?: number;
      params?: Record<string, unknown>;
      origin?: string;
    } & InteractiveWork,
  ): Promise<PreviewResult>;
  estimate(
    req: WorkflowRequest & { node?: string; params?: Record<string, unknown> } & InteractiveWork,
  ): Promise<EstimateResult>;
  diagram(workflow: unknown): { diagram?: string; diagnostics: Diagnostic[] };

  saveWorkflow(document: unknown): Promise<SaveWorkflowResult>;
  getWorkflow(name: string, version?: number): WorkflowVersion;
  listWorkflows(): WorkflowSummary[];
  onWorkflowSaved(listener: (saved: { name: string; version: number }) => void): () => void;
  scheduleWorkflow(name: string, spec: ScheduleRequestInput): Promise<ScheduleRecord>;
  unscheduleWorkflow(name: string): { workflow: string; unscheduled: true };
  getSchedule(name: string): ScheduleRecord | undefined;

  startRun(req: StartRunRequest): Promise<StartRunResult>;
  getRun(id: string): RunView;
  runLogs(id: string, opts?: { after?: number; limit?: number }): LogRecord[];
  cancelRun(id: string): { run: RunRecord; effect: 'cancelled' | 'requested' | 'finished' };

  /** The assistant (absent in a narrow test service: generate_workflow then says NOT_IMPLEMENTED). */
  generateWorkflow?(req: GenerateRequest): Promise<AssistantResult>;
}
