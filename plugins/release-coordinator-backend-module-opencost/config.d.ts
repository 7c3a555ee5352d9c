import { HumanDuration } from '@backstage/types';

export interface Config {
  releaseCoordinator?: {
    /**
     * Scheduled pull of daily cost from OpenCost's `GET /allocation` for
     * entities annotated `opencost.io/aggregate`
     * (`@release-coordinator/backstage-plugin-backend-module-opencost`).
     * Off (nothing registered) while this section is absent. The schedule is
     * `releaseCoordinator.schedule`, like every provider's.
     */
    opencost?: {
      /**
       * The OpenCost API, e.g. `http://opencost.opencost.svc:9003` (the
       * port the API listens on; `/allocation` is appended).
       */
      baseUrl: string;
      /**
       * ISO 4217 code of the currency OpenCost reports in (its pricing
       * configuration; OpenCost itself defaults to USD). Default `USD`.
       */
      currency?: string;
      /** How far back the first pull of an entity reaches, in days (1..365). Default 30. */
      lookbackDays?: number;
      /**
       * Prometheus query resolution OpenCost computes with (`resolution`
       * parameter), e.g. `1m`, `10m`, `1h`. Coarser is faster but less
       * exact for short-lived pods. Default `10m`.
       */
      resolution?: string;
      /** Longest wait for one `GET /allocation` answer. Default 60 seconds. */
      requestTimeout?: HumanDuration;
      /**
       * Bearer token for an OpenCost behind an authenticating proxy, sent as
       * `Authorization: Bearer <token>`.
       * @visibility secret
       */
      token?: string;
      /**
       * Extra request headers, e.g. for a proxy in front of OpenCost.
       * @visibility secret
       */
      headers?: { [name: string]: string };
    };
  };
}
