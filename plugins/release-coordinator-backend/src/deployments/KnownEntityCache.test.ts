import { mockCredentials } from '@backstage/backend-test-utils';
import {
  callerKeyOf,
  KNOWN_ENTITY_TTL_MS,
  KnownEntityCache,
} from './KnownEntityCache';

describe('KnownEntityCache', () => {
  const payments = 'component:default/payments';
  const ledger = 'component:default/ledger';

  it('knows a ref per caller until the TTL has passed', () => {
    let now = 1_000;
    const cache = new KnownEntityCache({ now: () => now });
    cache.remember('ci', [payments]);
    expect(cache.known('ci', [payments, ledger])).toEqual(new Set([payments]));
    expect(cache.known('alice', [payments])).toEqual(new Set());

    now += KNOWN_ENTITY_TTL_MS - 1;
    expect(cache.known('ci', [payments])).toEqual(new Set([payments]));
    now += 1;
    expect(cache.known('ci', [payments])).toEqual(new Set());
  });

  it('drops expired entries, then the oldest, when full', () => {
    let now = 0;
    const cache = new KnownEntityCache({ now: () => now, maxEntries: 2 });
    cache.remember('ci', ['a', 'b']);
    cache.remember('ci', ['a']); // refreshed: now newer than b
    cache.remember('ci', ['c']);
    expect(cache.known('ci', ['a', 'b', 'c'])).toEqual(new Set(['a', 'c']));

    now = KNOWN_ENTITY_TTL_MS;
    cache.remember('ci', ['d']);
    expect(cache.known('ci', ['a', 'c', 'd'])).toEqual(new Set(['d']));
  });

  it('tells callers apart by their principal', () => {
    const keys = [
      mockCredentials.user('user:default/alice'),
      mockCredentials.user('user:default/bob'),
      mockCredentials.service('external:ci'),
      mockCredentials.service('plugin:catalog'),
    ].map(callerKeyOf);
    expect(new Set(keys).size).toBe(4);
    expect(callerKeyOf(mockCredentials.user('user:default/alice'))).toBe(
      keys[0],
    );
  });
});
