import { Config } from '@backstage/config';

/** Settings of the Alertmanager webhook (`releaseCoordinator.webhooks.alertmanager`). */
export interface AlertmanagerWebhookSettings {
  /** Bearer token Alertmanager must send. */
  token: string;
  /** Alert label matched to the `prometheus.io/service-name` annotation. */
  entityLabel: string;
  /** Alert label holding the severity. */
  severityLabel: string;
}

const KEY = 'releaseCoordinator.webhooks.alertmanager';

/**
 * Reads the webhook settings; undefined while no token is configured (the
 * webhook is off). Blank values fail with the key named.
 */
export function readAlertmanagerWebhookSettings(
  config: Config,
): AlertmanagerWebhookSettings | undefined {
  const token = config.getOptionalString(`${KEY}.token`);
  if (token === undefined) {
    return undefined;
  }
  const settings = {
    token,
    entityLabel: config.getOptionalString(`${KEY}.entityLabel`) ?? 'service',
    severityLabel:
      config.getOptionalString(`${KEY}.severityLabel`) ?? 'severity',
  };
  for (const [name, value] of Object.entries(settings)) {
    if (value.trim() === '') {
      throw new Error(`Invalid config: ${KEY}.${name} must not be empty`);
    }
  }
  return settings;
}
