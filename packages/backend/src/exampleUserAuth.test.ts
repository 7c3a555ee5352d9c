import fs from 'fs';
import os from 'os';
import path from 'path';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/config';
import authPlugin from '@backstage/plugin-auth-backend';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { exampleUserAuthModule } from './exampleUserAuth';

// A small organization in a catalog file: the real catalog backend serves it
// to the auth backend, as in the portal.
const ORG_YAML = `
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: sre }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: dba }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: carol }
spec:
  profile: { displayName: Carol Schmidt, email: carol@example.com }
  memberOf: [sre]
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: dave }
spec:
  profile: { displayName: Dave Rossi }
  memberOf: [dba]
`;

interface RefreshResponse {
  profile: { displayName?: string; email?: string };
  backstageIdentity: {
    token: string;
    identity: { userEntityRef: string; ownershipEntityRefs: string[] };
  };
}

function tokenSubject(token: string): string {
  const payload = JSON.parse(
    Buffer.from(token.split('.')[1], 'base64url').toString('utf8'),
  );
  return payload.sub;
}

async function sleep(ms: number) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

describe('exampleUserAuthModule', () => {
  let orgDir: string;
  const originalNodeEnv = process.env.NODE_ENV;

  beforeAll(() => {
    orgDir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-user-auth-'));
    fs.writeFileSync(path.join(orgDir, 'org.yaml'), ORG_YAML);
  });

  afterAll(() => {
    fs.rmSync(orgDir, { recursive: true, force: true });
  });

  afterEach(() => {
    process.env.NODE_ENV = originalNodeEnv;
  });

  async function startBackend(exampleUser?: JsonObject) {
    const backend = await startTestBackend({
      features: [
        authPlugin,
        catalogPlugin,
        exampleUserAuthModule,
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            auth: { providers: exampleUser ? { exampleUser } : {} },
            catalog: {
              rules: [{ allow: ['User', 'Group', 'Location'] }],
              locations: [
                { type: 'file', target: path.join(orgDir, 'org.yaml') },
              ],
            },
          },
        }),
      ],
    });
    const { port } = backend.server.address() as { port: number };
    return {
      backend,
      baseUrl: `http://localhost:${port}/api/auth/exampleUser`,
    };
  }

  /** Refreshes until the catalog has processed the users (a few seconds). */
  async function refreshWhenCatalogReady(url: string, init?: RequestInit) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const response = await fetch(url, init);
      if (response.status !== 404 || Date.now() > deadline) {
        return response;
      }
      await sleep(250);
    }
  }

  it('signs in as the catalog user named in the header, with their ownership', async () => {
    const { backend, baseUrl } = await startBackend({ enabled: true });
    try {
      const response = await refreshWhenCatalogReady(`${baseUrl}/refresh`, {
        headers: { 'x-example-user': 'carol' },
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as RefreshResponse;
      const { identity } = body.backstageIdentity;
      expect(identity.userEntityRef).toBe('user:default/carol');
      expect([...identity.ownershipEntityRefs].sort()).toEqual([
        'group:default/sre',
        'user:default/carol',
      ]);
      expect(tokenSubject(body.backstageIdentity.token)).toBe(
        'user:default/carol',
      );
      expect(body.profile).toEqual({
        displayName: 'Carol Schmidt',
        email: 'carol@example.com',
      });

      // The `user` query parameter names the user as well.
      const dave = await fetch(`${baseUrl}/refresh?user=dave`);
      expect(dave.status).toBe(200);
      const daveBody = (await dave.json()) as RefreshResponse;
      expect(tokenSubject(daveBody.backstageIdentity.token)).toBe(
        'user:default/dave',
      );
      expect(daveBody.backstageIdentity.identity.ownershipEntityRefs).toContain(
        'group:default/dba',
      );
    } finally {
      await backend.stop();
    }
  });

  it('refuses users that are not in the catalog and malformed names', async () => {
    const { backend, baseUrl } = await startBackend({ enabled: true });
    try {
      // Wait until the catalog answers for a known user first, so that the
      // 404 below means "no such user", not "catalog not ready".
      expect(
        (await refreshWhenCatalogReady(`${baseUrl}/refresh?user=carol`)).status,
      ).toBe(200);

      const unknown = await fetch(`${baseUrl}/refresh?user=mallory`);
      expect(unknown.status).toBe(404);
      expect(await unknown.text()).not.toContain('token');

      for (const query of ['', '?user=', '?user=user:default/carol']) {
        const bad = await fetch(`${baseUrl}/refresh${query}`);
        expect(bad.status).toBe(400);
      }
    } finally {
      await backend.stop();
    }
  });

  it('is not registered unless enabled', async () => {
    for (const exampleUser of [undefined, { enabled: false }]) {
      const { backend, baseUrl } = await startBackend(exampleUser);
      try {
        const response = await fetch(`${baseUrl}/refresh?user=carol`);
        expect(response.status).toBe(404);
        expect(await response.text()).not.toContain('backstageIdentity');
      } finally {
        await backend.stop();
      }
    }
  });

  it('refuses to start outside development unless explicitly allowed', async () => {
    process.env.NODE_ENV = 'production';
    await expect(startBackend({ enabled: true })).rejects.toThrow(
      /refused outside development/,
    );

    const { backend, baseUrl } = await startBackend({
      enabled: true,
      dangerouslyAllowOutsideDevelopment: true,
    });
    try {
      const response = await refreshWhenCatalogReady(
        `${baseUrl}/refresh?user=carol`,
      );
      expect(response.status).toBe(200);
    } finally {
      await backend.stop();
    }
  });
});
