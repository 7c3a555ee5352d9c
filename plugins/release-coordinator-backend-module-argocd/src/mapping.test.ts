import { environmentOf } from './environment';
import { normalizeTimestamp, parseExternalId } from './externalIds';
import { OPERATION_PHASE_STATUS, operationStatus } from './mapping';
import { imageTag, liveImageTag, shortRevision, versionOf } from './versions';
import { application, component } from './__testUtils__/fixtures';

describe('OPERATION_PHASE_STATUS', () => {
  it('covers every Argo CD operation phase', () => {
    expect(OPERATION_PHASE_STATUS).toEqual({
      Running: 'in_progress',
      Terminating: 'cancelled',
      Failed: 'failed',
      Error: 'failed',
      Succeeded: 'succeeded',
    });
  });

  it('treats a terminated operation as cancelled and ignores unknown phases', () => {
    expect(
      operationStatus({ phase: 'Failed', message: 'Operation terminated' }),
    ).toBe('cancelled');
    expect(
      operationStatus({ phase: 'Error', message: 'Operation terminated' }),
    ).toBe('cancelled');
    expect(operationStatus({ phase: 'Pending' as 'Running' })).toBeUndefined();
    expect(operationStatus({ phase: 'toString' as 'Running' })).toBeUndefined();
  });
});

describe('imageTag', () => {
  it.each([
    ['ghcr.io/example-org/identity-service:2.4.1', '2.4.1'],
    ['registry.local:5000/team/app:v1.2.3-rc.1', 'v1.2.3-rc.1'],
    [
      'nginx:1.20.0@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31',
      '1.20.0',
    ],
    ['registry.local:5000/team/app', undefined],
    ['redis', undefined],
  ])('%s → %s', (image, tag) => {
    expect(imageTag(image)).toBe(tag);
  });

  it('uses the image named like the app or entity, else the only image', () => {
    const entity = component('identity-service', {});
    const app = (name: string, images: string[]) =>
      application({ name, images });
    expect(
      liveImageTag(
        app('identity-service', [
          'redis:7',
          'ghcr.io/o/identity-service:2.4.1',
        ]),
        entity,
      ),
    ).toBe('2.4.1');
    expect(
      liveImageTag(
        app('identity-prod', ['ghcr.io/o/identity-service:2.4.0']),
        entity,
      ),
    ).toBe('2.4.0');
    expect(
      liveImageTag(
        app('identity-prod', ['redis:7', 'ghcr.io/o/sidecar:1']),
        entity,
      ),
    ).toBeUndefined();
  });
});

describe('shortRevision and timestamps', () => {
  it('shortens commit shas only', () => {
    expect(versionOf([`release/${'x'.repeat(300)}`])).toHaveLength(255);
    expect(versionOf([])).toBe('unknown');
    expect(shortRevision('c3d5e7f9b1a3c5d7e9f1b3a5c7d9e1f3b5a7c9d1')).toBe(
      'c3d5e7f',
    );
    expect(shortRevision('1.8.2')).toBe('1.8.2');
  });

  it('normalizes RFC 3339 times to UTC', () => {
    expect(normalizeTimestamp('2026-11-26T09:00:00Z')).toBe(
      '2026-11-26T09:00:00Z',
    );
    expect(normalizeTimestamp('2026-11-26T10:00:00+01:00')).toBe(
      '2026-11-26T09:00:00Z',
    );
    expect(normalizeTimestamp('yesterday')).toBeUndefined();
  });
});

describe('parseExternalId', () => {
  it('reads both id forms and rejects others', () => {
    expect(parseExternalId('eu/identity-service/history-12')).toEqual({
      instance: 'eu',
      app: 'identity-service',
      historyId: 12,
    });
    expect(
      parseExternalId('eu/identity-service/op-2026-11-22T10:00:00Z'),
    ).toEqual({
      instance: 'eu',
      app: 'identity-service',
      startedAt: '2026-11-22T10:00:00Z',
    });
    expect(parseExternalId('acme/api/12345')).toBeUndefined();
  });
});

describe('environmentOf', () => {
  const app = (
    namespace: string,
    labels: Record<string, string> = {},
    name = 'payments',
  ) => application({ name, namespace, labels });

  it('takes the only annotated environment', () => {
    const entity = component('p', {
      'release-coordinator/environments': 'production',
    });
    expect(environmentOf(entity, app('payments-staging'))).toBe('production');
  });

  it('then the app label, then a namespace or app-name word, then the namespace', () => {
    const entity = component('p', {
      'release-coordinator/environments': 'staging, production',
    });
    expect(
      environmentOf(
        entity,
        app('payments', { 'release-coordinator/environment': 'staging' }),
      ),
    ).toBe('staging');
    expect(environmentOf(entity, app('payments-production'))).toBe(
      'production',
    );
    expect(environmentOf(entity, app('payments', {}, 'payments-staging'))).toBe(
      'staging',
    );
    expect(environmentOf(entity, app('prod'))).toBe('prod');
    expect(environmentOf(component('p', {}), app('payments-production'))).toBe(
      'payments-production',
    );
    // Without the annotation, the configured environments are the candidates.
    expect(
      environmentOf(component('p', {}), app('payments-production'), [
        'staging',
        'production',
      ]),
    ).toBe('production');
  });
});
