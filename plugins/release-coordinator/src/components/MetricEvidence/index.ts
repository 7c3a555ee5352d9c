export {
  MetricEvidenceDialog,
  EVIDENCE_PAGE_SIZE,
} from './MetricEvidenceDialog';
export type { EvidenceQuery } from './MetricEvidenceDialog';
