import { LoggerService } from '@backstage/backend-plugin-api';
import { IncidentInput } from '@release-coordinator/backstage-plugin-common';
import {
  WebhookHandler,
  WebhookRequest,
  WebhookResult,
} from '@release-coordinator/backstage-plugin-node';
import { parseAlertmanagerPayload } from './alertmanagerPayload';
import { alertToIncident } from './alertToIncident';
import { verifyBearerToken } from './bearerToken';
import { AlertmanagerWebhookSettings } from './config';

/** The entity annotation whose value an alert's entity label must have. */
export const PROMETHEUS_SERVICE_NAME_ANNOTATION = 'prometheus.io/service-name';

/**
 * Receives Alertmanager webhook notifications (v4) at
 * `POST /api/release-coordinator/webhooks/alertmanager` and turns each alert
 * into an incident of the entity whose `prometheus.io/service-name`
 * annotation equals the alert's entity label.
 *
 * Alerts that name no entity (label missing, or no entity claims its value)
 * are skipped with a warning naming the label value, and listed with the
 * reason in the answer's `ignored` (202); the rest of the group is ingested: one unclaimed service must not drop the alerts of the
 * others, and a 4xx would not make Alertmanager deliver them again.
 *
 * @public
 */
export class AlertmanagerWebhookHandler implements WebhookHandler {
  readonly path = 'alertmanager';

  constructor(
    private readonly options: {
      settings: AlertmanagerWebhookSettings;
      logger: LoggerService;
    },
  ) {}

  async handle(request: WebhookRequest): Promise<WebhookResult> {
    const { settings, logger } = this.options;
    verifyBearerToken(request.headers.authorization, settings.token);
    const payload = parseAlertmanagerPayload(request.body);

    const entityRefsByService = new Map<string, Promise<string[]>>();
    const lookup = (service: string) => {
      let refs = entityRefsByService.get(service);
      if (!refs) {
        refs = request.findEntityRefsByAnnotation(
          PROMETHEUS_SERVICE_NAME_ANNOTATION,
          service,
        );
        entityRefsByService.set(service, refs);
      }
      return refs;
    };

    const incidents: IncidentInput[] = [];
    // Per alert not ingested, why: answered in the 202 body (`ignored`), so
    // the sender's delivery log shows it, and logged.
    const ignored: string[] = [];
    for (const [index, alert] of payload.alerts.entries()) {
      const alertName = alert.labels.alertname ?? `alerts[${index}]`;
      const service = alert.labels[settings.entityLabel];
      if (!service) {
        ignored.push(
          `alerts[${index}] (${alertName}): it has no '${settings.entityLabel}' label`,
        );
        logger.warn(
          `Skipped Alertmanager alert ${alertName} of group ${payload.groupKey}: it has no '${settings.entityLabel}' label`,
        );
        continue;
      }
      const refs = await lookup(service);
      if (refs.length === 0) {
        ignored.push(
          `alerts[${index}] (${alertName}): no entity has ${PROMETHEUS_SERVICE_NAME_ANNOTATION}=${service} (label '${settings.entityLabel}')`,
        );
        logger.warn(
          `Skipped Alertmanager alert ${alertName}: no entity has ${PROMETHEUS_SERVICE_NAME_ANNOTATION}=${service} (label '${settings.entityLabel}')`,
        );
        continue;
      }
      if (refs.length > 1) {
        logger.warn(
          `Alertmanager alert ${alertName}: ${
            refs.length
          } entities have ${PROMETHEUS_SERVICE_NAME_ANNOTATION}=${service} (${refs.join(
            ', ',
          )}); attributed to ${refs[0]}`,
        );
      }
      incidents.push(
        alertToIncident({
          alert,
          index,
          groupStatus: payload.status,
          entityRef: refs[0],
          severityLabel: settings.severityLabel,
        }),
      );
    }
    return { incidents, ...(ignored.length > 0 && { ignored }) };
  }
}
