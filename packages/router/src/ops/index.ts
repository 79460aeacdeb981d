export {
  type DriftReading,
  type DriftRecorder,
  type DriftReportLike,
  type DriftSource,
  driftRecorder,
} from './drift-status.js';
export { createOpsHandler, type OpsHandlerOptions } from './ops-handler.js';
export type { OpsNode, OpsRouterSource, OpsSample, OpsSources, OpsState } from './ops-state.js';
