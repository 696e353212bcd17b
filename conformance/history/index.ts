/**
 * Checking histories of client operations recorded against a running cluster: what clients can
 * tell, from outside, about whether the timestamp service kept its promises.
 *
 * @packageDocumentation
 */
export {
  checkTimestampHistory,
  MAX_VIOLATIONS_PER_PROPERTY,
  type HistoryCheck,
  type HistoryCheckOptions,
  type HistoryViolation,
  type TimestampOperation,
} from './timestamp-history.ts';
