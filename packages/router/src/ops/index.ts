export {
  type DriftReading,
  type DriftRecorder,
  type DriftReportLike,
  type DriftSource,
  driftRecorder,
} from './drift-status.js';
