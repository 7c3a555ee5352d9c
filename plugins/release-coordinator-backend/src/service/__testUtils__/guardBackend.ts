import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { InMemoryCatalogClient } from '@backstage/catalog-client/testUtils';
import { ResponseError } from '@backstage/errors';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  NotificationSendOptions,
  notificationService,
} from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  releaseCoordinatorWebhookHandlersExtensionPoint,
  WebhookResult,
} from '@release-coordinator/backstage-plugin-node';
import { Knex } from 'knex';
import request from 'supertest';
import { releaseCoordinatorPlugin } from '../../plugin';
import {
  payments,
  simplePlan,
  testConfig,
} from '../../releases/__testUtils__/fixtures';

/*
 * A backend for the input guard tests (inputGuard.router.test.ts,
 * fuzz.router.test.ts): the plugin on a given database, everything allowed,
 * one release and one deployment of component:default/payments, a catalog
 * that fails (HTTP 500 with a stack trace) for component:default/broken,
 * and a snapshot of every table to show that a refused request changed
 * nothing.
 */

export const base = '/api/release-coordinator';
export const entityPath = `${base}/entities/component/default/payments`;
export const brokenEntityPath = `${base}/entities/component/default/broken`;
export const carol = mockCredentials.user.header('user:default/carol');
export const ci = mockCredentials.service.header();

/** A catalog `ResponseError` as the catalog client throws it. */
async function catalogFailure(): Promise<ResponseError> {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: {
          name: 'Error',
          message: 'catalog exploded',
          stack:
            'Error: catalog exploded\n    at secret (/catalog/internal.js:1:1)',
        },
        request: {
          method: 'GET',
          url: '/entities/by-name/component/default/broken',
        },
        response: { statusCode: 500 },
      }),
      { status: 500, headers: { 'content-type': 'application/json' } },
    ) as any,
  );
}

/**
 * A webhook handler without a signature (`POST /webhooks/echo`) that passes
 * on the delivery id and incidents of its JSON body, so tests can reach
 * the delivery store with any id a signed sender could send.
 */
const echoWebhooks = createBackendModule({
  pluginId: 'release-coordinator',
  moduleId: 'echo-webhooks',
  register(env) {
    env.registerInit({
      deps: { webhooks: releaseCoordinatorWebhookHandlersExtensionPoint },
      async init({ webhooks }) {
        webhooks.addWebhookHandlers({
          path: 'echo',
          async handle(req): Promise<WebhookResult> {
            const body = (req.body ?? {}) as Partial<WebhookResult>;
            return {
              deliveryId:
                typeof body.deliveryId === 'string'
                  ? body.deliveryId
                  : undefined,
              incidents: Array.isArray(body.incidents) ? body.incidents : [],
            };
          },
        });
      },
    });
  },
});

export interface GuardBackend {
  server: Parameters<typeof request>[0];
  knex: Knex;
  releaseId: string;
  itemId: string;
  /** Every checklist item of the release. */
  itemIds: string[];
  deploymentId: string;
  sent: NotificationSendOptions[];
  /** Every row of every table of the plugin, as comparable text. */
  snapshot(): Promise<string>;
}

export async function startGuardBackend(knex: Knex): Promise<GuardBackend> {
  const catalog = new InMemoryCatalogClient({ entities: [payments] });
  const sent: NotificationSendOptions[] = [];
  const { server } = await startTestBackend({
    features: [
      releaseCoordinatorPlugin,
      echoWebhooks,
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({
        data: {
          releaseCoordinator: {
            ...testConfig.releaseCoordinator,
            freezeWindows: [],
          },
        },
      }),
      createServiceFactory({
        service: catalogServiceRef,
        deps: {},
        factory: () =>
          new Proxy({} as InMemoryCatalogClient, {
            get: (_target, key) => {
              if (key === 'getEntityByRef') {
                return async (ref: unknown, options: unknown) => {
                  if (String(ref).toLowerCase().includes('broken')) {
                    throw await catalogFailure();
                  }
                  return (catalog.getEntityByRef as Function).call(
                    catalog,
                    ref,
                    options,
                  );
                };
              }
              const value = (catalog as any)[key];
              return typeof value === 'function' ? value.bind(catalog) : value;
            },
          }),
      }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({
          send: async (options: NotificationSendOptions) => {
            // What the notifications backend refuses: its title column is
            // a varchar(255).
            if (options.payload.title.length > 255) {
              throw new Error('title too long');
            }
            sent.push(options);
          },
        }),
      }),
    ],
  });

  const created = await request(server)
    .post(`${entityPath}/releases`)
    .set('Authorization', ci)
    .send({ version: '1.0.0', environment: 'staging', plan: simplePlan });
  if (created.status !== 201) {
    throw new Error(`release not created: ${JSON.stringify(created.body)}`);
  }
  const pushed = await request(server)
    .post(`${base}/events/deployments`)
    .set('Authorization', ci)
    .send({
      entityRef: 'component:default/payments',
      environment: 'staging',
      source: 'ci',
      externalId: 'run-1',
      version: '0.9.0',
      kind: 'deploy',
      status: 'succeeded',
      startedAt: '2026-11-01T10:00:00.000Z',
      finishedAt: '2026-11-01T10:05:00.000Z',
    });
  if (pushed.status !== 200) {
    throw new Error(`deployment not pushed: ${JSON.stringify(pushed.body)}`);
  }

  const tables = await listTables(knex);
  return {
    server,
    knex,
    releaseId: created.body.release.id,
    itemId: created.body.checklist[0].id,
    itemIds: created.body.checklist.map((item: { id: string }) => item.id),
    deploymentId: pushed.body.items[0].id,
    sent,
    async snapshot() {
      const dump: Record<string, string[]> = {};
      for (const table of tables) {
        const rows = await knex(table).select();
        dump[table] = rows.map(row => JSON.stringify(row)).sort();
      }
      return JSON.stringify(dump);
    },
  };
}

/** The plugin's tables, without knex's migration bookkeeping. */
async function listTables(knex: Knex): Promise<string[]> {
  const names: string[] =
    knex.client.config.client === 'pg'
      ? (
          await knex('pg_tables')
            .where('schemaname', knex.raw('current_schema()'))
            .select('tablename')
        ).map((row: { tablename: string }) => row.tablename)
      : (await knex('sqlite_master').where('type', 'table').select('name')).map(
          (row: { name: string }) => row.name,
        );
  return names.filter(name => !name.startsWith('knex_migrations')).sort();
}
