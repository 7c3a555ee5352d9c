export { ApprovalsPanel } from './ApprovalsPanel';
export type { ApprovalsPanelProps } from './ApprovalsPanel';
