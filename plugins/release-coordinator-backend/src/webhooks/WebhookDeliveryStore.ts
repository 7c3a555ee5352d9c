/** One webhook delivery, identified by its handler and the sender's id. */
export interface WebhookDeliveryKey {
  /** Path of the handler under `/webhooks/`, e.g. `pagerduty`. */
  handlerPath: string;
  /** The sender's id of the delivery, e.g. `X-GitHub-Delivery`. */
  deliveryId: string;
}

/**
 * Remembers accepted webhook deliveries so that redeliveries are ingested
 * once. The claim is atomic in the database: of two concurrent claims of the
 * same delivery exactly one wins.
 */
export interface WebhookDeliveryStore {
  /**
   * Records the delivery as received; true when this call recorded it,
   * false when it was already recorded (a redelivery).
   */
  claimDelivery(key: WebhookDeliveryKey): Promise<boolean>;
  /**
   * Forgets a claimed delivery, so that the sender's retry is ingested
   * (used when ingesting the claimed delivery failed).
   */
  releaseDelivery(key: WebhookDeliveryKey): Promise<void>;
}
