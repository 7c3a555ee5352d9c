export interface Config {
  releaseCoordinator?: {
    /**
     * The GitHub module (`@release-coordinator/backstage-plugin-backend-module-github`).
     * Credentials and the API base URL come from `integrations.github`.
     */
    github?: {
      /** Host of the `integrations.github` entry used for `github.com/project-slug`. Default `github.com`. */
      host?: string;
      /** Deployments or workflow runs read per entity on its first pull. Default 100. */
      initialPullLimit?: number;
      /** Most commits attached to one deployment (GitHub's compare gives at most 250). Default 250. */
      maxCommitsPerDeployment?: number;
      /**
       * GitHub Actions workflows whose runs are deployments. An entity with a
       * deploy workflow is read from its runs instead of the Deployments API.
       */
      workflows?: Array<{
        /** Workflow file name, e.g. `deploy.yml`, or numeric workflow id. */
        workflow: string;
        /** Environment its runs deploy to. Default `production`. */
        environment?: string;
        /** Only for this entity ref, e.g. `component:default/payments`. */
        entity?: string;
        /** Only for this repository, `owner/repo`. */
        repository?: string;
      }>;
      /**
       * Check run names that are evidence for the automatic checklist items,
       * e.g. `tests-passing: [unit, e2e]`. `code-coverage` check runs must
       * state the coverage as a percentage in their output title or summary.
       */
      checks?: {
        'tests-passing'?: string[];
        'code-coverage'?: string[];
        'security-scan'?: string[];
        'image-scanned'?: string[];
        'secrets-not-exposed'?: string[];
      };
      /**
       * Rollbacks through GitHub Actions: the workflow is dispatched
       * (`workflow_dispatch`) with the inputs `entity`, `environment`,
       * `version`, `sha`, `reason` and `idempotency_key`, and its run-name
       * must be `Rollback <entity> in <environment> to <version> [<idempotency_key>]`
       * (see the module's README). Unset: rollbacks create a GitHub
       * deployment instead, which only works for targets read from the
       * Deployments API.
       */
      rollback?: {
        /** Workflow file name, e.g. `rollback.yml`, or numeric workflow id. */
        workflow: string;
        /** Branch or tag the workflow runs from. Default: the repository's default branch. */
        ref?: string;
      };
    };
    webhooks?: {
      /** GitHub webhooks at `POST /api/release-coordinator/webhooks/github`. */
      github?: {
        /**
         * Secret that signs deliveries (`X-Hub-Signature-256`); the webhook
         * is off while it is unset.
         * @visibility secret
         */
        secret?: string;
      };
    };
  };
}
