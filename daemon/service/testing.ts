/**
 * Test support for the faces of the service layer (HTTP, MCP): a Service on a run store with
 * real connectors, and the orders fixtures. Re-exported here so a face's tests import the service
 * layer only, as the face itself does.
 */
export {
  finished,
  loadedConfig,
  ordersExpectedSql,
  ordersSetupSql,
  ordersWorkflow,
  rows,
  testRuntime,
  waitFor,
  workflowDoc,
  type TestRuntime,
} from '../executor/testing.js';
export type { Connector, ExecuteOptions } from '../../connectors/connector.js';
export { answer, startFakeOpenAI, type FakeOpenAI } from '../assistant/fake-openai.js';
