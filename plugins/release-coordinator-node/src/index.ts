/**
 * Extension points for Release Coordinator backend modules: deployment,
 * incident and cost providers, and webhook handlers.
 *
 * @packageDocumentation
 */

export * from './extensions';
export type {
  CostRecordInput,
  DeploymentInput,
  IncidentInput,
} from '@release-coordinator/backstage-plugin-common';
