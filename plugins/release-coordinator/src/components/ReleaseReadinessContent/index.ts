export { ReleaseReadinessContent } from './ReleaseReadinessContent';
