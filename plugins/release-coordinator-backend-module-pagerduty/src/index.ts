/**
 * PagerDuty incidents for Release Coordinator: webhooks v3 and a scheduled
 * REST pull.
 *
 * @packageDocumentation
 */

export { releaseCoordinatorModulePagerDuty as default } from './module';
export { PagerDutyWebhookHandler } from './PagerDutyWebhookHandler';
export { PagerDutyIncidentProvider } from './PagerDutyIncidentProvider';
export { PagerDutyClient, PagerDutyApiError } from './PagerDutyClient';
export type { PagerDutyApiSettings } from './config';
export { PAGERDUTY_SERVICE_ID_ANNOTATION } from './pagerDutyIncident';
