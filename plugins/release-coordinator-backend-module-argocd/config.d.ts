export interface Config {
  releaseCoordinator?: {
    /** The Argo CD module (`@release-coordinator/backstage-plugin-backend-module-argocd`). */
    argocd?: {
      /**
       * The Argo CD servers to read application history from. Without any
       * instance the module registers nothing.
       */
      instances?: Array<{
        /** Unique name, used in `argocd/instance-name` and in external ids. No `/`. */
        name: string;
        /** Base URL of the Argo CD API server, e.g. `https://argocd.example.com`. */
        url: string;
        /**
         * Argo CD API token (account or project token), sent as a Bearer token.
         * @visibility secret
         */
        token: string;
      }>;
      /**
       * How long a rollback waits for Argo CD's controller to start the
       * operation, in milliseconds. Default 10000.
       */
      rollbackStartTimeoutMs?: number;
    };
  };
}
