export { RollbackButton } from './RollbackButton';
export type { RollbackButtonProps } from './RollbackButton';
export { EnvironmentRollback } from './EnvironmentRollback';
export type { EnvironmentRollbackProps } from './EnvironmentRollback';
export { rollbackUnavailableReason } from './rollbackUnavailableReason';
