export { MemberMetricsTable } from './MemberMetricsTable';
export type { MemberMetricsTableProps } from './MemberMetricsTable';
export { buildCsv, csvField, downloadCsv } from './csv';
export type { CsvCell } from './csv';
export {
  memberRows,
  memberRowsCsv,
  deliveryMetricsPath,
  compareNullable,
} from './memberRows';
export type { MemberRow } from './memberRows';
