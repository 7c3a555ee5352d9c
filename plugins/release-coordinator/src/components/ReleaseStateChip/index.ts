export { ReleaseStateChip } from './ReleaseStateChip';
