import { buildCsv, csvField } from './csv';

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    [' padded', '" padded"'],
    ['=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'],
    ['-cmd', "'-cmd"],
  ])('%p → %p', (cell, expected) => {
    expect(csvField(cell)).toBe(expected);
  });

  it('writes numbers as-is, negative ones too, and null as empty', () => {
    expect(csvField(-0.5)).toBe('-0.5');
    expect(csvField(0)).toBe('0');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(Number.NaN)).toBe('');
  });
});

describe('buildCsv', () => {
  it('writes a header and rows with CRLF line ends', () => {
    expect(
      buildCsv(
        ['name', 'value'],
        [
          ['a', 1],
          ['b, c', null],
        ],
      ),
    ).toBe('name,value\r\na,1\r\n"b, c",\r\n');
  });
});
