/**
 * Shared wire types, permissions and annotations of the Release Coordinator
 * plugin family.
 *
 * @packageDocumentation
 */

export * from './annotations';
export * from './permissions';
export * from './types';
export * from './api';
export * from './metrics';
export * from './metricDefinitions';
export * from './signals';
