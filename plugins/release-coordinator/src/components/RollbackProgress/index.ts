export { RollbackProgress } from './RollbackProgress';
export {
  useLatestRollback,
  ROLLBACK_POLL_INTERVAL_MS,
} from './useLatestRollback';
export type { UseLatestRollbackOptions } from './useLatestRollback';
export { isRollbackActive, rollbackInitiatorName } from './rollbackInitiator';
