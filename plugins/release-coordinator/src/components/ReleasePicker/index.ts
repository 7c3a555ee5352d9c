export { ReleasePicker } from './ReleasePicker';
export type { ReleasePickerProps } from './ReleasePicker';
export { latestPerEnvironment } from './latestPerEnvironment';
