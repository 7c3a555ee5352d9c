export { AuditTrail } from './AuditTrail';
export type { AuditTrailProps } from './AuditTrail';
