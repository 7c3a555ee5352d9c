import {
  createServiceFactory,
  coreServices,
} from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Handler } from 'express';
import fs from 'node:fs';
import path from 'node:path';
import { releaseCoordinatorPlugin } from '../plugin';
import { payments, testConfig } from './__testUtils__/fixtures';

/*
 * The OpenAPI document is the contract of docs/product.md §7. Requests are validated by
 * zod schemas in the route modules; these tests keep the document and the
 * router from drifting apart: every route the plugin mounts is documented
 * with the same method and path, and every documented operation is mounted.
 */

jest.setTimeout(60_000);

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const spec = fs.readFileSync(
  path.resolve(__dirname, '../schema/openapi.yaml'),
  'utf8',
);

/** `METHOD /path/{param}` of every operation in the document's `paths`. */
function documentedOperations(document: string): string[] {
  const pathsStart = document.search(/^paths:\s*$/m);
  const pathsEnd = document.search(/^components:\s*$/m);
  if (pathsStart < 0 || pathsEnd < pathsStart) {
    throw new Error('openapi.yaml: no paths section before components');
  }
  const operations: string[] = [];
  let currentPath: string | undefined;
  for (const line of document.slice(pathsStart, pathsEnd).split('\n')) {
    const pathMatch = line.match(/^ {2}(\/\S*):\s*$/);
    if (pathMatch) {
      currentPath = pathMatch[1];
      continue;
    }
    const methodMatch = line.match(/^ {4}(\w+):\s*$/);
    if (methodMatch && HTTP_METHODS.includes(methodMatch[1] as never)) {
      if (!currentPath) {
        throw new Error(`openapi.yaml: ${methodMatch[1]} outside a path`);
      }
      operations.push(`${methodMatch[1].toUpperCase()} ${currentPath}`);
    }
  }
  return operations;
}

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  name: string;
  handle: Handler & { stack?: Layer[] };
  regexp: RegExp & { fast_slash?: boolean };
}

/**
 * `METHOD /path/{param}` of every route of an express router, descending
 * into routers mounted without a path. A router mounted under a path
 * prefix is reported as an error, not skipped, so no route goes unseen.
 */
function mountedOperations(stack: Layer[]): string[] {
  const operations: string[] = [];
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path)
        ? layer.route.path
        : [layer.route.path];
      for (const routePath of paths) {
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on && method !== '_all') {
            operations.push(
              `${method.toUpperCase()} ${routePath.replace(/:(\w+)/g, '{$1}')}`,
            );
          }
        }
      }
    } else if (layer.handle.stack) {
      if (!layer.regexp.fast_slash) {
        throw new Error(
          `A router is mounted under a path prefix (${layer.regexp}); teach mountedOperations to read it`,
        );
      }
      operations.push(...mountedOperations(layer.handle.stack));
    }
  }
  return operations;
}

/** Starts the plugin and captures the router it hands to the httpRouter. */
async function pluginRouter(): Promise<Handler & { stack: Layer[] }> {
  const handlers: Handler[] = [];
  const knex = await databases.init('SQLITE_3');
  await startTestBackend({
    features: [
      releaseCoordinatorPlugin,
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({ data: testConfig }),
      catalogServiceMock.factory({ entities: [payments] }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      createServiceFactory({
        service: coreServices.httpRouter,
        deps: { plugin: coreServices.pluginMetadata },
        factory: ({ plugin }) => ({
          use: (handler: Handler) => {
            if (plugin.getId() === 'release-coordinator') {
              handlers.push(handler);
            }
          },
          addAuthPolicy: () => {},
          addWebSocketHandler: () => {},
        }),
      }),
    ],
  });
  // The framework mounts its own routers for the plugin too (permission
  // integration, metadata): the plugin's own is the one serving /health.
  const own = handlers.filter(handler =>
    mountedOperations((handler as Handler & { stack: Layer[] }).stack).includes(
      'GET /health',
    ),
  );
  expect(own).toHaveLength(1);
  return own[0] as Handler & { stack: Layer[] };
}

describe('openapi.yaml is the contract of the router', () => {
  let mounted: string[];
  const documented = documentedOperations(spec);

  beforeAll(async () => {
    mounted = mountedOperations((await pluginRouter()).stack);
  });

  it('reads operations from the document and the router', () => {
    expect(documented).toContain('GET /health');
    expect(documented).toContain('POST /releases/{id}/notify-team');
    expect(mounted).toContain('GET /health');
    expect(mounted).toContain(
      'POST /entities/{kind}/{namespace}/{name}/releases',
    );
  });

  it('documents every mounted route', () => {
    const undocumented = mounted.filter(op => !documented.includes(op));
    expect(undocumented).toEqual([]);
  });

  it('mounts every documented operation', () => {
    const unmounted = documented.filter(op => !mounted.includes(op));
    expect(unmounted).toEqual([]);
  });

  it('documents and mounts each operation once', () => {
    expect(new Set(documented).size).toBe(documented.length);
    expect(new Set(mounted).size).toBe(mounted.length);
  });
});

describe('documentedOperations and mountedOperations', () => {
  it('find a drift in either direction', () => {
    const document = [
      'paths:',
      '  /a/{id}:',
      '    get:',
      '      summary: x',
      '    post:',
      '  /b:',
      '    put:',
      'components:',
      '  schemas:',
      '    get:',
    ].join('\n');
    expect(documentedOperations(document)).toEqual([
      'GET /a/{id}',
      'POST /a/{id}',
      'PUT /b',
    ]);
    const stack = [
      {
        route: { path: '/a/:id', methods: { get: true } },
        name: 'bound dispatch',
        handle: (() => {}) as Handler,
        regexp: /x/,
      },
      {
        name: 'router',
        handle: Object.assign((() => {}) as Handler, {
          stack: [
            {
              route: { path: '/c', methods: { delete: true } },
              name: 'bound dispatch',
              handle: (() => {}) as Handler,
              regexp: /x/,
            },
          ],
        }),
        regexp: Object.assign(/^\/?(?=\/|$)/i, { fast_slash: true }),
      },
    ] as Layer[];
    expect(mountedOperations(stack)).toEqual(['GET /a/{id}', 'DELETE /c']);
    expect(() =>
      mountedOperations([{ ...stack[1], regexp: /^\/prefix\/?(?=\/|$)/i }]),
    ).toThrow(/path prefix/);
  });
});
