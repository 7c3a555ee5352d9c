export interface Config {
  releaseCoordinator?: {
    webhooks?: {
      /**
       * Alertmanager webhook receiver (`POST /api/release-coordinator/webhooks/alertmanager`)
       * of `@release-coordinator/backstage-plugin-backend-module-prometheus`.
       * The webhook is off until `token` is set.
       */
      alertmanager?: {
        /**
         * Bearer token Alertmanager sends (`http_config.authorization.credentials`).
         * @visibility secret
         */
        token?: string;
        /**
         * Alert label whose value is matched to the `prometheus.io/service-name`
         * annotation of an entity. Default `service`.
         */
        entityLabel?: string;
        /**
         * Alert label holding the severity: critical|page → critical;
         * major|error|high → major; anything else → minor. Default `severity`.
         */
        severityLabel?: string;
      };
    };
  };
}
