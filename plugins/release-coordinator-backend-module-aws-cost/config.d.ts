import { HumanDuration } from '@backstage/types';

export interface Config {
  releaseCoordinator?: {
    /**
     * Daily cost from AWS Cost Explorer (`GetCostAndUsage`) for entities
     * annotated `aws.amazon.com/cost-insights-tags`, by
     * `@release-coordinator/backstage-plugin-backend-module-aws-cost`.
     * Off while absent; `awsCost: {}` turns it on with the defaults.
     * Credentials come from the `aws` integration config
     * (`@backstage/integration-aws-node`).
     */
    awsCost?: {
      /**
       * 12-digit account whose credentials are used (an `aws.accounts`
       * entry, or `aws.accountDefaults.roleName` to assume). Default: the
       * `aws.mainAccount` credentials (or the default credential chain).
       */
      accountId?: string;
      /**
       * Region of the Cost Explorer endpoint. Default `us-east-1`, where the
       * global Cost Explorer API is served.
       */
      region?: string;
      /**
       * The cost metric: `UnblendedCost` (default), `AmortizedCost`,
       * `NetUnblendedCost`, `NetAmortizedCost` or `BlendedCost`. It is part
       * of the records' source, e.g. `aws-cost:UnblendedCost`.
       */
      metric?:
        | 'UnblendedCost'
        | 'AmortizedCost'
        | 'NetUnblendedCost'
        | 'NetAmortizedCost'
        | 'BlendedCost';
      /** How far back the first pull of an entity reaches, in days (1–365). Default 90. */
      lookbackDays?: number;
      /**
       * Cost Explorer endpoint URL, for a VPC endpoint or a local test
       * server. Default: the SDK's endpoint for the region.
       */
      endpoint?: string;
      /**
       * How long a day that Cost Explorer still marks estimated is reused
       * from the in-memory cache before it is asked for again (each request
       * costs $0.01). Final days are kept. Default 6 hours.
       */
      cacheTtl?: HumanDuration | string;
    };
  };
}
