import { decodeCursor, encodeCursor } from './cursor';

describe('page cursors', () => {
  it('round-trip the last sort time and id', () => {
    const cursor = { at: '2026-11-20T10:00:00.000Z', id: 'abc' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it.each([
    ['not base64 JSON', 'nope'],
    ['JSON of another shape', Buffer.from('[1,2]').toString('base64url')],
    [
      'a time the database cannot take',
      encodeCursor({ at: '0000-01-01T00:00:00.000Z', id: 'a' }),
    ],
    [
      'a time not in stored form',
      encodeCursor({ at: '2026-11-20T10:00:00Z', id: 'a' }),
    ],
    ['an empty id', encodeCursor({ at: '2026-11-20T10:00:00.000Z', id: '' })],
  ])('refuse %s with a 400 naming the cursor', (_name, value) => {
    expect(() => decodeCursor(value)).toThrow(
      expect.objectContaining({
        name: 'InputError',
        message: expect.stringContaining('cursor'),
      }),
    );
  });
});
