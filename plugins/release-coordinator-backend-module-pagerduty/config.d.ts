export interface Config {
  releaseCoordinator?: {
    webhooks?: {
      /**
       * PagerDuty webhooks v3 (`POST /api/release-coordinator/webhooks/pagerduty`)
       * of `@release-coordinator/backstage-plugin-backend-module-pagerduty`.
       * Off until `secret` is set.
       */
      pagerduty?: {
        /**
         * The webhook subscription's signing secret (verifies `X-PagerDuty-Signature`).
         * @visibility secret
         */
        secret?: string;
      };
    };
    /**
     * Scheduled pull of incidents from the PagerDuty REST API for entities
     * annotated `pagerduty.com/service-id`. Off until `token` is set.
     */
    pagerduty?: {
      /**
       * REST API key, sent as `Authorization: Token token=<token>`.
       * @visibility secret
       */
      token?: string;
      /** API base URL. Default `https://api.pagerduty.com`. */
      baseUrl?: string;
      /** How far back the first pull of an entity reaches, in days. Default 30. */
      lookbackDays?: number;
    };
  };
}
