export interface Config {
  releaseCoordinator?: {
    /** The demo data module (`@release-coordinator/backstage-plugin-backend-module-demo`). */
    demo?: {
      /**
       * Generate deterministic demo deployments and incidents for the
       * annotated components. Default false; the embedded portal turns it on.
       */
      enabled?: boolean;
    };
  };
}
