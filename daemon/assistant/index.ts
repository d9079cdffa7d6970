/**
 * The assistant: a plain-language request becomes a validated workflow. A tool-calling loop over
 * the service layer (list/describe tables and components, validate a draft, preview a node) against
 * any OpenAI-compatible chat endpoint; the compiler validates the answer and its diagnostics go
 * back to the model verbatim for a bounded number of repair rounds. It never saves, runs or
 * schedules anything: it returns a workflow.
 */
import type OpenAI from 'openai';
import type { TableContextOptions } from './context.js';
import type { EndpointOptions } from './endpoint.js';
import type {
  ComponentDoc,
  Diagnostic,
  PreviewResult,
  TableDescription,
  TableList,
  ValidateResult,
  WorkflowRequest,
} from '../service/index.js';

/** The service methods the assistant uses: all read-only. */
export interface AssistantService {
  components(): ComponentDoc[];
  component(id: string): ComponentDoc;
  connections(): Array<{ name: string; type: string; dialect: string }>;
  listTables(connection: string, opts?: { schema?: string }): Promise<TableList>;
  describeTable(connection: string, table: string): Promise<TableDescription>;
  validate(req: WorkflowRequest): Promise<ValidateResult>;
  preview(req: WorkflowRequest & { node: string; limit?: number; origin?: string }): Promise<PreviewResult>;
}

/** An OpenAI-compatible chat client: the `openai` package's client, or anything shaped like it. */
export type AssistantClient = Pick<OpenAI, 'chat'>;

export interface AssistantDeps {
  service: AssistantService;
  client: AssistantClient;
  model: string;
  /** Timeout, retries and backoff of each request to the endpoint; `redact` removes the key from errors. */
  endpoint?: Omit<EndpointOptions, 'signal'>;
  /** Ask for `response_format: json_schema` (default true; dropped by itself when the endpoint refuses it). */
  structuredOutput?: boolean;
  /** How many tables and columns go into the prompt. */
  context?: TableContextOptions;
  /** Sees tool calls and repair rounds (for logs and progress). */
  onEvent?: (e: { type: 'tool'; name: string } | { type: 'repair'; round: number }) => void;
}

export interface GenerateRequest {
  request: string;
  /** The connection to build on (default: the only one, or `local`). */
  connection?: string;
  /** Rounds in which the model fixes the compiler's diagnostics (default 3). */
  maxRepairRounds?: number;
  /** Tool calls in all before the loop stops (default 24). */
  maxToolCalls?: number;
  signal?: AbortSignal;
}

export interface AssistantUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface AssistantResult {
  /** The workflow document (public format); absent when the model gave none. */
  workflow?: unknown;
  explanation: string;
  /** The compiler's verdict on `workflow` (valid false, with why, when there is none). */
  validation: { valid: boolean; diagnostics: Diagnostic[] };
  /** Repair rounds used (0: valid on the first answer). */
  rounds: number;
  /** Tool calls the model made. */
  toolCalls: number;
  usage: AssistantUsage;
  latencyMs: number;
  model: string;
  /** The version of the system and repair prompts (`system@hash+repair@hash`). */
  promptVersion: string;
  /** A clarifying question, or why the request cannot be answered with the data. */
  question?: string;
}

export {
  generateWorkflow,
  assistantPromptVersion,
  DEFAULT_MAX_REPAIR_ROUNDS,
  DEFAULT_MAX_TOOL_CALLS,
} from './loop.js';
export { assistantFromConfig, type ConfiguredAssistant } from './client.js';
