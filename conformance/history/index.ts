/**
 * Checking histories of client operations recorded against a running cluster: what clients can
 * tell, from outside, about whether the timestamp service kept its promises, and how available
 * it was.
 *
 * @packageDocumentation
 */
export {
  checkTimestampHistory,
  HISTORY_PROPERTIES,
  MAX_VIOLATIONS_PER_PROPERTY,
  type HistoryCheck,
  type HistoryCheckOptions,
  type HistoryViolation,
  type TimestampOperation,
} from './timestamp-history.ts';
export { availability, type Availability, type FaultStart } from './availability.ts';
export {
  HistoryFileError,
  parseHistory,
  readHistoryFile,
  type HistoryFault,
  type ReadHistory,
} from './history-file.ts';
