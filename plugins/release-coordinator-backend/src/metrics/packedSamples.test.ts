import fc from 'fast-check';
import { decodePackedSamples, encodePackedSamples } from './packedSamples';

const ascending = (values: number[]) =>
  Float64Array.from(values).sort() as unknown as number[];

describe('packedSamples', () => {
  it('packs ascending whole milliseconds into 4 bytes a sample', () => {
    const samples = [0.001, 0.5, 61.25, 3600, 86_400.999];
    const bytes = encodePackedSamples(samples)!;
    expect(bytes[0]).toBe(2);
    expect(bytes.length).toBe(1 + 8 + 4 * 4);
    expect(Array.from(decodePackedSamples(bytes))).toEqual(samples);
  });

  it('keeps anything else raw, exactly', () => {
    for (const samples of [
      [2, 1], // not ascending
      [0.0001, 1], // not whole milliseconds
      [0, 4_294_967.296], // a difference of 2^32 ms
      [Number.MAX_VALUE],
    ]) {
      const bytes = encodePackedSamples(samples)!;
      expect(bytes[0]).toBe(0);
      expect(Array.from(decodePackedSamples(bytes))).toEqual(samples);
    }
  });

  it('encodes nothing as null and decodes null or no bytes as nothing', () => {
    expect(encodePackedSamples([])).toBeNull();
    expect(decodePackedSamples(null)).toHaveLength(0);
    expect(decodePackedSamples(Buffer.alloc(0))).toHaveLength(0);
  });

  it('decodes from any byte offset (drivers hand out slices of a buffer)', () => {
    const bytes = encodePackedSamples([1.5, 2.25, 7])!;
    const shifted = Buffer.concat([Buffer.from([9, 9, 9]), bytes]).subarray(3);
    expect(Array.from(decodePackedSamples(shifted))).toEqual([1.5, 2.25, 7]);
  });

  it('refuses corrupt bytes with a clear error', () => {
    expect(() => decodePackedSamples(Buffer.from([7, 1, 2]))).toThrow(
      /Corrupt packed samples: format 7/,
    );
    expect(() => decodePackedSamples(Buffer.from([2, 0, 0, 0]))).toThrow(
      /Corrupt packed samples/,
    );
    expect(() => decodePackedSamples(Buffer.from([0, 1, 2]))).toThrow(
      /Corrupt packed samples/,
    );
  });

  it('round-trips any samples exactly (fast-check)', () => {
    const millis = fc.integer({ min: -(2 ** 40), max: 2 ** 40 });
    const sample = fc.oneof(
      millis.map(ms => ms / 1000),
      fc.integer({ min: 0, max: 10 ** 9 }).map(ms => ms / 1000),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
    );
    fc.assert(
      fc.property(
        fc.array(sample, { maxLength: 200 }),
        fc.boolean(),
        (values, sort) => {
          const samples = sort ? ascending(values) : values;
          const decoded = Array.from(
            decodePackedSamples(encodePackedSamples(samples)),
          );
          // -0 may come back as 0: the same number to every statistic.
          expect(decoded).toHaveLength(samples.length);
          decoded.forEach((value, i) =>
            expect(value === samples[i]).toBe(true),
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
