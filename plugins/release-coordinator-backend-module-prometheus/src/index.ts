/**
 * Alertmanager webhooks (v4) as Release Coordinator incidents.
 *
 * @packageDocumentation
 */

export { releaseCoordinatorModulePrometheus as default } from './module';
export {
  AlertmanagerWebhookHandler,
  PROMETHEUS_SERVICE_NAME_ANNOTATION,
} from './AlertmanagerWebhookHandler';
export type { AlertmanagerWebhookSettings } from './config';
