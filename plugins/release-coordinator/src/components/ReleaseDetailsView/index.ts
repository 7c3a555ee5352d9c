export { ReleaseDetailsView } from './ReleaseDetailsView';
