import express from 'express';
import Router from 'express-promise-router';
import { WebhookService } from './WebhookService';

/** What the webhook routes need from the plugin's wiring. */
export interface WebhooksRouterOptions {
  webhooks: WebhookService;
}

// Signatures are computed over the exact bytes sent, so the body is read raw
// (any content type) and parsed by the service.
const rawBodyParser = express.raw({ type: '*/*', limit: '10mb' });

/**
 * `POST /webhooks/:handlerPath` (docs/product.md §7). Open at the HTTP layer (auth
 * policy in plugin.ts): each handler verifies its sender. Mount before any
 * JSON body parser.
 */
export function createWebhooksRouter(
  options: WebhooksRouterOptions,
): express.Router {
  const { webhooks } = options;
  const router = Router();

  router.post('/webhooks/:handlerPath', rawBodyParser, async (req, res) => {
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const outcome = await webhooks.receive({
      handlerPath: req.params.handlerPath,
      headers: req.headers,
      rawBody,
    });
    res.status(outcome.duplicate ? 200 : 202).json(outcome);
  });

  return router;
}
