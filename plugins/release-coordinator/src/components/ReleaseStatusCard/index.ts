export { ReleaseStatusCard } from './ReleaseStatusCard';
