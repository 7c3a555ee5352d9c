export { ReleaseSummary } from './ReleaseSummary';
