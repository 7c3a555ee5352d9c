export interface Config {
  releaseCoordinator?: {
    /** The GitLab module (`@release-coordinator/backstage-plugin-backend-module-gitlab`). */
    gitlab?: {
      /**
       * Host of the `integrations.gitlab` entry to pull from. Default: the
       * first configured entry. Without any `integrations.gitlab` entry the
       * module pulls nothing.
       */
      host?: string;
      /** How many days back the first pull of an entity reaches. Default 90. */
      initialLookbackDays?: number;
      /**
       * Pages of 100 deployments read per entity and pull; the cursor
       * resumes the rest on the next pull. Default 20.
       */
      maxPagesPerPull?: number;
      /**
       * List every commit a succeeded deployment shipped (GitLab's compare
       * API against the previous succeeded deployment of the environment),
       * for lead time. When false, only the deployed commit. Default true.
       */
      compareCommits?: boolean;
      /**
       * For projects that have no GitLab deployments at all: record the
       * pipelines of one branch as deployments. Off when absent.
       */
      pipelines?: {
        /** The environment those pipelines deploy to, e.g. `production`. */
        environment: string;
        /** The deploying branch. Default: the project's default branch. */
        ref?: string;
      };
    };
    webhooks?: {
      /** GitLab deployment hooks at `/api/release-coordinator/webhooks/gitlab`. */
      gitlab?: {
        /**
         * Secret token GitLab sends in `X-Gitlab-Token`; the webhook is off
         * until it is set.
         * @visibility secret
         */
        token?: string;
      };
    };
  };
}
