import { HumanDuration } from '@backstage/types';

export interface Config {
  /**
   * Configuration of the Release Coordinator backend. Every key is optional
   * and has a default.
   */
  releaseCoordinator?: {
    /**
     * The environments releases are prepared for, in promotion order.
     * Defaults to `staging` (no approval) and `production` (one approval).
     */
    environments?: Array<{
      /** Environment name, e.g. `production`. */
      name: string;
      /** Approvals needed before deployment. Default 0 for staging, 1 for production. */
      requiredApprovals?: number;
      /**
       * Who may approve: group entity refs, or `owner` for the owner group of
       * the entity. Default `[owner]`.
       */
      approvers?: string[];
      /**
       * How long after a deployment a critical incident triggers an automated
       * rollback. Default 60 minutes.
       */
      watchWindow?: HumanDuration;
      /**
       * Automated rollback: a critical incident that starts within the
       * watch window after the environment's latest succeeded deploy rolls
       * it back once (never a rollback, never twice per deploy; an incident
       * without environment counts as production). Off unless enabled. See
       * the backend README, "Automated rollback".
       */
      automatedRollback?: {
        /** Whether critical incidents trigger a rollback. Default false. */
        enabled?: boolean;
        /**
         * Only notify the owners what would have been rolled back, without
         * calling the provider. Default false.
         */
        dryRun?: boolean;
      };
    }>;

    /** Rollback settings. */
    rollback?: {
      /**
       * How long a rollback may stay pending or running before it stops
       * holding the environment's lock and is marked failed. Default 30 minutes.
       */
      staleAfter?: HumanDuration;
    };

    /**
     * Named roles and the group entity refs whose members hold them, e.g.
     * `database-admin: [group:default/dba]`.
     */
    roles?: {
      [role: string]: string[];
    };

    /** Quality gate checklist settings. */
    checklist?: {
      /** Minimum code coverage in percent for `code-coverage`. Default 80. */
      coverageThreshold?: number;
      /** Days an attested `rollback-procedure-tested` stays valid. Default 30. */
      rollbackRehearsalMaxAgeDays?: number;
      /**
       * Titles of checklist items by item id (ids are stable API values),
       * e.g. `tests-passing: CI is green`. Unset items keep their default title.
       */
      titles?: {
        [itemId: string]: string;
      };
    };

    /** Uploaded reports, `POST /releases/:id/reports` (docs/evidence.md). */
    reports?: {
      /** Largest report accepted, in bytes (413 above). Default 20971520 (20 MB). */
      maxBytes?: number;
      /**
       * Test kinds tests-passing needs, each with globs (`*`) of JUnit suite
       * or report names, e.g. `unit: ['src/*']`, `e2e: ['e2e/*']`. When set,
       * the item passes only when every kind has a green report.
       */
      testKinds?: {
        [kind: string]: string[];
      };
      /**
       * SARIF tool names whose reports go to secrets-not-exposed (others to
       * security-scan). Default gitleaks, trufflehog, detect-secrets,
       * ggshield, GitHub secret scanning.
       */
      secretScanners?: string[];
      /**
       * Lowest severity (critical, high, medium, low, none) that fails the
       * item. Defaults: security-scan high, secrets-not-exposed low,
       * image-scanned high.
       */
      failAt?: {
        'security-scan'?: string;
        'secrets-not-exposed'?: string;
        'image-scanned'?: string;
      };
    };

    /**
     * Periods in which approval and deployment to the named environments are
     * blocked: one-off (`start` and `end`) or recurring (`recurring`).
     */
    freezeWindows?: Array<{
      /** Name shown to users, e.g. `year-end`. */
      name: string;
      /** Environments the freeze applies to. */
      environments: string[];
      /** Start of a one-off freeze, ISO-8601. */
      start?: string;
      /** End of a one-off freeze, ISO-8601. */
      end?: string;
      /** A freeze that repeats. */
      recurring?: {
        /** Cron expression of each start, in UTC, e.g. `0 0 * * SAT`. */
        cron: string;
        /** How long each occurrence lasts. */
        duration: HumanDuration;
      };
    }>;

    /** Delivery metrics settings. */
    metrics?: {
      /** Year of the DORA report whose tier thresholds apply. Default 2023. */
      doraReportYear?: number;
      /**
       * How often the daily rollups of changed entities are recomputed in the
       * background (a metrics read also recomputes what it needs first).
       * Default 30 seconds.
       */
      rollupRefreshFrequency?: HumanDuration;
      /**
       * Memory, in MiB, that each backend process may keep for roll-ups
       * (Groups, Systems, Domains of 10 or more members): the samples of
       * their windows' whole days, summed, so that a repeated read fetches
       * no samples. 0 turns it off. Default 64.
       */
      rollupMemoryMiB?: number;
    };

    /** Schedule of the provider pulls. */
    schedule?: {
      /** How often each provider pulls. Default 10 minutes. */
      frequency?: HumanDuration;
      /** How long one pull may run. Default 5 minutes. */
      timeout?: HumanDuration;
      /** Delay before the first pull after a start. Default 15 seconds. */
      initialDelay?: HumanDuration;
      /** Per-provider overrides of frequency, timeout and initialDelay, keyed by provider id. */
      providers?: {
        [providerId: string]: {
          frequency?: HumanDuration;
          timeout?: HumanDuration;
          initialDelay?: HumanDuration;
        };
      };
    };

    /** Incoming webhooks; each one is off until its secret or token is set. */
    webhooks?: {
      /** GitHub webhooks (`deployment_status`, `workflow_run`, `check_run`). */
      github?: {
        /**
         * Secret that signs deliveries (`X-Hub-Signature-256`).
         * @visibility secret
         */
        secret?: string;
      };
      /** GitLab deployment and pipeline hooks. */
      gitlab?: {
        /**
         * Token sent by GitLab in `X-Gitlab-Token`.
         * @visibility secret
         */
        token?: string;
      };
      /** Alertmanager webhook v4. */
      alertmanager?: {
        /**
         * Bearer token Alertmanager sends.
         * @visibility secret
         */
        token?: string;
        /** Alert label matched to `prometheus.io/service-name`. Default `service`. */
        entityLabel?: string;
        /** Alert label holding the severity. Default `severity`. */
        severityLabel?: string;
      };
      /** PagerDuty webhooks v3. */
      pagerduty?: {
        /**
         * Secret that signs deliveries (`X-PagerDuty-Signature`).
         * @visibility secret
         */
        secret?: string;
      };
    };
  };
}
