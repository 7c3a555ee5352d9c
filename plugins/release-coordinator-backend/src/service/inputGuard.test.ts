import { ResponseError } from '@backstage/errors';
import { mockServices } from '@backstage/backend-test-utils';
import fc from 'fast-check';
import { notificationTitle } from '../releases/ReleaseEvents';
import {
  assertValidPath,
  assertValidText,
  findInvalidText,
  isInvalidText,
} from './inputGuard';
import { upstreamErrorHandler } from './upstreamErrors';

describe('isInvalidText', () => {
  it.each([
    ['a\u0000b', true],
    ['\ud800', true],
    ['a\ud800b', true],
    ['\udc00', true],
    ['x\udfff', true],
    ['\udc00\ud800', true],
    ['🚀', false],
    ['\ud83d\ude80', false],
    ['ü \u2028 \ufffe \uffff', false],
    ['', false],
  ])('%j → %p', (text, invalid) => {
    expect(isInvalidText(text)).toBe(invalid);
  });

  it('agrees with the UTF-8 round trip on random text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }), text => {
        // Well-formed text survives UTF-8; NUL is the only other refusal.
        const roundTrips =
          Buffer.from(text, 'utf8').toString('utf8') === text &&
          !text.includes('\u0000');
        expect(isInvalidText(text)).toBe(!roundTrips);
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii' }), fc.nat(), (text, at) => {
        const lone = `${text.slice(0, at)}\ud800${text.slice(at)}`;
        expect(isInvalidText(lone)).toBe(true);
      }),
    );
  });
});

describe('findInvalidText', () => {
  it('names the first invalid string by its dotted path', () => {
    expect(
      findInvalidText(
        {
          plan: { notes: 'ok' },
          items: [{ value: 'ok' }, { value: 'a\u0000' }],
        },
        'body',
      ),
    ).toBe('body.items.1.value');
    expect(findInvalidText({ ['k\u0000']: 1 }, 'query')).toBe(
      'query (a property name)',
    );
    expect(findInvalidText({ a: 1, b: true, c: null, d: ['x'] }, 'body')).toBe(
      undefined,
    );
  });

  it('refuses input nested deeper than any route takes', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(findInvalidText(deep, 'body')).toMatch(/^body(\.0)+$/);
  });

  it('throws a 400 naming the field', () => {
    expect(() => assertValidText({ version: 'a\ud800' }, 'body')).toThrow(
      expect.objectContaining({
        name: 'InputError',
        message: 'body.version: must not contain NUL or invalid characters',
      }),
    );
  });
});

describe('assertValidPath', () => {
  it.each([
    ['/entities/comp%00/default/payments/releases', 'path.kind'],
    ['/entities/component/%00/payments/metrics', 'path.namespace'],
    ['/releases/abc/checklist/x%00y', 'path.itemId'],
    ['/releases/a%00', 'path.id'],
    ['/rollbacks/%00', 'path.id'],
    ['/webhooks/git%00hub', 'path.handlerPath'],
    ['/unknown/%00', 'path'],
  ])('%s → %s', (path, field) => {
    expect(() => assertValidPath(path)).toThrow(
      `${field}: must not contain NUL or invalid characters`,
    );
  });

  it('lets valid and undecodable segments pass (express answers those)', () => {
    expect(() => assertValidPath('/releases/%F0%9F%9A%80')).not.toThrow();
    expect(() => assertValidPath('/releases/%E0%A4%A')).not.toThrow();
  });
});

describe('notificationTitle', () => {
  it('keeps titles of up to 255 characters and cuts longer ones', () => {
    expect(notificationTitle('x'.repeat(255))).toBe('x'.repeat(255));
    const cut = notificationTitle('x'.repeat(300));
    expect(cut).toHaveLength(255);
    expect(cut.endsWith('…')).toBe(true);
  });

  it('never splits a surrogate pair', () => {
    const cut = notificationTitle(`${'x'.repeat(253)}🚀🚀🚀`);
    expect(isInvalidText(cut)).toBe(false);
    expect(cut.length).toBeLessThanOrEqual(255);
  });
});

describe('upstreamErrorHandler', () => {
  it('turns a ResponseError into a 502 with our own message', async () => {
    const upstream = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: { name: 'Error', message: 'secret', stack: 'at x' },
          response: { statusCode: 400 },
        }),
        { status: 400, headers: { 'content-type': 'application/json' } },
      ) as any,
    );
    const next = jest.fn();
    upstreamErrorHandler(mockServices.logger.mock())(
      upstream,
      {} as any,
      {} as any,
      next,
    );
    const error = next.mock.calls[0][0];
    expect(error).toMatchObject({
      name: 'UpstreamServiceError',
      statusCode: 502,
      message: 'A Backstage service this plugin depends on failed (HTTP 400)',
    });
    expect(error.cause).toBeUndefined();
  });

  it('passes other errors on unchanged', () => {
    const other = new Error('x');
    const next = jest.fn();
    upstreamErrorHandler(mockServices.logger.mock())(
      other,
      {} as any,
      {} as any,
      next,
    );
    expect(next).toHaveBeenCalledWith(other);
  });
});
