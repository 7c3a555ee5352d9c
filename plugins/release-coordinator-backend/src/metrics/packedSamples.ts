/*
 * The compact encoding of the roll-up caches' samples (MetricsScopes). A
 * cached day of a Group of 500 holds about a thousand samples, and a
 * 90-day roll-up reads 180 such days: as 8-byte doubles that is 1.7 MB,
 * which PostgreSQL sends as 3.4 MB of hex. The samples are durations in
 * seconds with millisecond precision, stored ascending, so they are kept
 * as whole milliseconds: the first one, then the differences between
 * neighbours as 32-bit integers. Half the bytes, and decoding is one pass
 * of additions.
 *
 * Layout: one format byte, then
 * - DELTA32: the first value in ms (a little-endian double), then
 *   count − 1 differences in ms (little-endian unsigned 32-bit);
 * - RAW: the samples as little-endian doubles, for anything else (not
 *   ascending, not whole milliseconds, a difference of 2^32 ms or more).
 *
 * Both decode to exactly the numbers that were encoded.
 */

const RAW = 0;
const DELTA32 = 2;

/** Whole milliseconds beyond this are not encoded as DELTA32 (2^52). */
const MAX_MS = 2 ** 52;
const MAX_DELTA = 2 ** 32 - 1;

/** `seconds` as a whole number of ms, if it is exactly that; else null. */
function wholeMs(seconds: number): number | null {
  const ms = Math.round(seconds * 1000);
  return Math.abs(ms) <= MAX_MS && ms / 1000 === seconds ? ms : null;
}

/**
 * The samples' bytes (null for none): DELTA32 when they are ascending whole
 * milliseconds close enough together, else RAW.
 */
export function encodePackedSamples(samples: ArrayLike<number>): Buffer | null {
  if (samples.length === 0) return null;
  const buffer = Buffer.allocUnsafe(9 + (samples.length - 1) * 4);
  buffer[0] = DELTA32;
  let previous = wholeMs(samples[0]);
  if (previous === null) return encodeRaw(samples);
  buffer.writeDoubleLE(previous, 1);
  for (let i = 1; i < samples.length; i++) {
    const ms = wholeMs(samples[i]);
    if (ms === null || ms < previous || ms - previous > MAX_DELTA) {
      return encodeRaw(samples);
    }
    buffer.writeUInt32LE(ms - previous, 9 + (i - 1) * 4);
    previous = ms;
  }
  return buffer;
}

function encodeRaw(samples: ArrayLike<number>): Buffer {
  const buffer = Buffer.allocUnsafe(1 + samples.length * 8);
  buffer[0] = RAW;
  for (let i = 0; i < samples.length; i++) {
    buffer.writeDoubleLE(samples[i], 1 + i * 8);
  }
  return buffer;
}

/** The samples of {@link encodePackedSamples}' bytes. */
export function decodePackedSamples(bytes: Uint8Array | null): Float64Array {
  if (bytes === null || bytes.length === 0) return new Float64Array(0);
  if (bytes[0] === RAW && (bytes.length - 1) % 8 === 0) {
    const out = new Float64Array((bytes.length - 1) / 8);
    new Uint8Array(out.buffer).set(bytes.subarray(1));
    return out;
  }
  if (
    bytes[0] === DELTA32 &&
    bytes.length >= 9 &&
    (bytes.length - 9) % 4 === 0
  ) {
    // Copied to aligned memory, then read as 32-bit integers.
    const aligned = new Uint8Array(bytes.length - 1);
    aligned.set(bytes.subarray(1));
    let ms = new DataView(aligned.buffer).getFloat64(0, true);
    const deltas = new Uint32Array(aligned.buffer, 8);
    const out = new Float64Array(deltas.length + 1);
    out[0] = ms / 1000;
    for (let i = 0; i < deltas.length; i++) {
      ms += deltas[i];
      out[i + 1] = ms / 1000;
    }
    return out;
  }
  throw new Error(
    `Corrupt packed samples: format ${bytes[0]}, ${bytes.length} bytes`,
  );
}
