export { DeploymentHistoryTable } from './DeploymentHistoryTable';
export type { DeploymentHistoryTableProps } from './DeploymentHistoryTable';
export { DeploymentFilterBar } from './DeploymentFilterBar';
export { formatDuration } from './formatDuration';
