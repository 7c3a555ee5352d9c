export { CostPanel, CostPanelView } from './CostPanel';
export type { CostPanelProps } from './CostPanel';
export {
  costBeforeAfterReleases,
  type ReleaseCostChange,
  type ReleaseMarker,
} from './costAnalysis';
export { MemberCostTotal } from './MemberCostTotal';
export { memberCostTotals, type CurrencyTotal } from './memberCostTotals';
