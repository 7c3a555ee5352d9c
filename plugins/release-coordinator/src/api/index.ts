export { releaseCoordinatorApiRef } from './ReleaseCoordinatorApi';
export type {
  ListReleasesOptions,
  ReleaseCoordinatorApi,
} from './ReleaseCoordinatorApi';
export { ReleaseCoordinatorClient } from './ReleaseCoordinatorClient';
export { entityApiPath } from './entityApiPath';
