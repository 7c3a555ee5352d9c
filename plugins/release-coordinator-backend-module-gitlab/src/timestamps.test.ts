import { toUtcIso } from './timestamps';

describe('toUtcIso', () => {
  it.each([
    ['2016-08-11T07:38:12.414Z', '2016-08-11T07:38:12.414Z'],
    ['2016-08-11T09:36:01.000+02:00', '2016-08-11T07:36:01.000Z'],
    ['2021-04-28 21:50:00 +0200', '2021-04-28T19:50:00.000Z'],
    ['2021-04-28 21:50:00 UTC', '2021-04-28T21:50:00.000Z'],
  ])('reads %s as %s', (value, expected) => {
    expect(toUtcIso(value)).toBe(expected);
  });

  it.each([undefined, null, '', 'yesterday'])(
    'gives undefined for %p',
    value => {
      expect(toUtcIso(value)).toBeUndefined();
    },
  );
});
