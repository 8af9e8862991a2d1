/**
 * Our own QR code encoder (W4), so that the banner draws the students' URL
 * with no package: byte mode, error correction level M, versions 1 to 10
 * (up to 213 bytes, far more than a URL), Reed-Solomon codewords, the eight
 * masks scored as ISO/IEC 18004 says, format and version information.
 *
 * @module
 */

/** Per version (index 1-10), level M: EC codewords per block, and the blocks' data codewords. */
const BLOCKS: readonly (readonly [number, readonly number[]])[] = [
  [0, []],
  [10, [16]],
  [16, [28]],
  [26, [44]],
  [18, [32, 32]],
  [24, [43, 43]],
  [16, [27, 27, 27, 27]],
  [18, [31, 31, 31, 31]],
  [22, [38, 38, 39, 39]],
  [22, [36, 36, 36, 37, 37]],
  [26, [43, 43, 43, 43, 44]],
];

/** Alignment patterns' centres, per version. */
const ALIGN: readonly (readonly number[])[] = [
  [],
  [],
  [6, 18],
  [6, 22],
  [6, 26],
  [6, 30],
  [6, 34],
  [6, 22, 38],
  [6, 24, 42],
  [6, 26, 46],
  [6, 28, 50],
];

/** The highest version this encoder makes. */
export const QR_MAX_VERSION = 10;

/** A QR code: `size` rows of `size` modules, `true` dark. */
export interface QrCode {
  /** Its version, 1-10. */
  readonly version: number;
  /** Modules per side (17 + 4 × version). */
  readonly size: number;
  /** The modules, row by row. */
  readonly modules: readonly (readonly boolean[])[];
}

// GF(256) with the polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11d).
const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
for (let i = 0, x = 1; i < 255; i++) {
  EXP[i] = x;
  LOG[x] = i;
  x <<= 1;
  if (x & 0x100) x ^= 0x11d;
}
for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255]!;

function mul(a: number, b: number): number {
  return a === 0 || b === 0 ? 0 : EXP[LOG[a]! + LOG[b]!]!;
}

/** The Reed-Solomon error correction codewords of `data`. */
export function reedSolomon(data: readonly number[], ecLength: number): number[] {
  // The generator polynomial (x - a^0)(x - a^1)...(x - a^(n-1)), highest term dropped.
  let gen = [1];
  for (let i = 0; i < ecLength; i++) {
    const next = new Array<number>(gen.length + 1).fill(0);
    for (let j = 0; j < gen.length; j++) {
      next[j] = next[j]! ^ gen[j]!;
      next[j + 1] = next[j + 1]! ^ mul(gen[j]!, EXP[i]!);
    }
    gen = next;
  }
  const rest = new Array<number>(ecLength).fill(0);
  for (const d of data) {
    const factor = d ^ rest.shift()!;
    rest.push(0);
    for (let j = 0; j < ecLength; j++) rest[j] = rest[j]! ^ mul(gen[j + 1]!, factor);
  }
  return rest;
}

/** The data codewords of `bytes` in byte mode for `version`, padded to `capacity`. */
function dataCodewords(bytes: Uint8Array, version: number, capacity: number): number[] {
  const bits: number[] = [];
  const put = (value: number, length: number) => {
    for (let i = length - 1; i >= 0; i--) bits.push((value >>> i) & 1);
  };
  put(0b0100, 4);
  put(bytes.length, version < 10 ? 8 : 16);
  for (const b of bytes) put(b, 8);
  put(0, Math.min(4, capacity * 8 - bits.length));
  while (bits.length % 8 !== 0) bits.push(0);
  const out: number[] = [];
  for (let i = 0; i < bits.length; i += 8) {
    out.push(bits.slice(i, i + 8).reduce((a, b) => (a << 1) | b, 0));
  }
  for (let pad = 0xec; out.length < capacity; pad ^= 0xec ^ 0x11) out.push(pad);
  return out;
}

/** The smallest version whose capacity holds `length` bytes, or `undefined`. */
function versionFor(length: number): number | undefined {
  for (let v = 1; v <= QR_MAX_VERSION; v++) {
    const capacity = BLOCKS[v]![1].reduce((a, b) => a + b, 0);
    if (4 + (v < 10 ? 8 : 16) + 8 * length <= capacity * 8) return v;
  }
  return undefined;
}

/** Every codeword in order: the blocks' data interleaved, then their EC codewords. */
function codewords(bytes: Uint8Array, version: number): number[] {
  const [ecLength, sizes] = BLOCKS[version]!;
  const data = dataCodewords(bytes, version, sizes.reduce((a, b) => a + b, 0));
  const blocks: number[][] = [];
  let at = 0;
  for (const size of sizes) {
    blocks.push(data.slice(at, at + size));
    at += size;
  }
  const ec = blocks.map((b) => reedSolomon(b, ecLength));
  const out: number[] = [];
  const longest = Math.max(...sizes);
  for (let i = 0; i < longest; i++) for (const b of blocks) if (i < b.length) out.push(b[i]!);
  for (let i = 0; i < ecLength; i++) for (const e of ec) out.push(e[i]!);
  return out;
}

/** A BCH code: `value` followed by the remainder of its division by `poly`. */
function bch(value: number, poly: number, polyBits: number): number {
  let rest = value << (polyBits - 1);
  for (let bit = 31 - Math.clz32(rest); bit >= polyBits - 1; bit--) {
    if (rest & (1 << bit)) rest ^= poly << (bit - polyBits + 1);
  }
  return (value << (polyBits - 1)) | rest;
}

const MASKS: readonly ((r: number, c: number) => boolean)[] = [
  (r, c) => (r + c) % 2 === 0,
  (r) => r % 2 === 0,
  (_, c) => c % 3 === 0,
  (r, c) => (r + c) % 3 === 0,
  (r, c) => (Math.floor(r / 2) + Math.floor(c / 3)) % 2 === 0,
  (r, c) => ((r * c) % 2) + ((r * c) % 3) === 0,
  (r, c) => (((r * c) % 2) + ((r * c) % 3)) % 2 === 0,
  (r, c) => (((r + c) % 2) + ((r * c) % 3)) % 2 === 0,
];

/** A matrix being built: modules, and which of them are function patterns. */
class Grid {
  readonly size: number;
  readonly dark: boolean[][];
  readonly fixed: boolean[][];

  constructor(size: number) {
    this.size = size;
    this.dark = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
    this.fixed = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
  }

  set(r: number, c: number, dark: boolean): void {
    if (r < 0 || c < 0 || r >= this.size || c >= this.size) return;
    this.dark[r]![c] = dark;
    this.fixed[r]![c] = true;
  }
}

function functionPatterns(g: Grid, version: number): void {
  const n = g.size;
  for (const [r0, c0] of [[0, 0], [0, n - 7], [n - 7, 0]] as const) {
    for (let r = -1; r <= 7; r++) {
      for (let c = -1; c <= 7; c++) {
        const ring = Math.max(Math.abs(r - 3), Math.abs(c - 3));
        g.set(r0 + r, c0 + c, ring !== 2 && ring !== 4);
      }
    }
  }
  for (let i = 8; i < n - 8; i++) {
    g.set(6, i, i % 2 === 0);
    g.set(i, 6, i % 2 === 0);
  }
  const centres = ALIGN[version]!;
  const last = centres.length - 1;
  for (const [i, r] of centres.entries()) {
    for (const [j, c] of centres.entries()) {
      if ((i === 0 && (j === 0 || j === last)) || (i === last && j === 0)) continue; // finders
      for (let dr = -2; dr <= 2; dr++) {
        for (let dc = -2; dc <= 2; dc++) {
          g.set(r + dr, c + dc, Math.max(Math.abs(dr), Math.abs(dc)) !== 1);
        }
      }
    }
  }
  formatBits(g, 0); // reserved now, written with the mask
  if (version >= 7) {
    const bits = bch(version, 0x1f25, 13);
    for (let i = 0; i < 18; i++) {
      const dark = ((bits >>> i) & 1) === 1;
      const a = n - 11 + (i % 3);
      const b = Math.floor(i / 3);
      g.set(a, b, dark);
      g.set(b, a, dark);
    }
  }
}

/** Writes the format information (level M, `mask`) in both places. */
function formatBits(g: Grid, mask: number): void {
  const bits = bch((0b00 << 3) | mask, 0x537, 11) ^ 0x5412;
  const bit = (i: number) => ((bits >>> i) & 1) === 1;
  const n = g.size;
  for (let i = 0; i <= 5; i++) g.set(i, 8, bit(i));
  g.set(7, 8, bit(6));
  g.set(8, 8, bit(7));
  g.set(8, 7, bit(8));
  for (let i = 9; i < 15; i++) g.set(8, 14 - i, bit(i));
  for (let i = 0; i < 8; i++) g.set(8, n - 1 - i, bit(i));
  for (let i = 8; i < 15; i++) g.set(n - 15 + i, 8, bit(i));
  g.set(n - 8, 8, true); // the dark module
}

/** Places the codewords' bits in the zigzag, up and down two columns at a time. */
function placeData(g: Grid, data: readonly number[]): void {
  const n = g.size;
  let i = 0;
  for (let right = n - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    for (let k = 0; k < n; k++) {
      for (let j = 0; j < 2; j++) {
        const c = right - j;
        const upward = ((right + 1) & 2) === 0;
        const r = upward ? n - 1 - k : k;
        if (g.fixed[r]![c]) continue;
        g.dark[r]![c] = i < data.length * 8 && ((data[i >>> 3]! >>> (7 - (i & 7))) & 1) === 1;
        i++;
      }
    }
  }
}

function applyMask(g: Grid, mask: number): void {
  const f = MASKS[mask]!;
  for (let r = 0; r < g.size; r++) {
    for (let c = 0; c < g.size; c++) if (!g.fixed[r]![c] && f(r, c)) g.dark[r]![c] = !g.dark[r]![c];
  }
}

/** The penalty of a matrix (rules N1-N4): the mask with the lowest is chosen. */
export function penalty(m: readonly (readonly boolean[])[]): number {
  const n = m.length;
  let score = 0;
  const lines = (get: (a: number, b: number) => boolean) => {
    for (let a = 0; a < n; a++) {
      let run = 1;
      const row: boolean[] = [];
      for (let b = 0; b < n; b++) {
        row.push(get(a, b));
        if (b > 0 && get(a, b) === get(a, b - 1)) {
          run++;
          if (run === 5) score += 3;
          else if (run > 5) score++;
        } else run = 1;
      }
      // N3: 1:1:3:1:1 with four light modules on one side.
      const s = row.map((d) => (d ? "1" : "0")).join("");
      const padded = `0000${s}0000`;
      for (const p of ["00001011101", "10111010000"]) {
        for (let at = padded.indexOf(p); at >= 0; at = padded.indexOf(p, at + 1)) score += 40;
      }
    }
  };
  lines((a, b) => m[a]![b]!);
  lines((a, b) => m[b]![a]!);
  let dark = 0;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (m[r]![c]) dark++;
      if (r < n - 1 && c < n - 1) {
        const v = m[r]![c];
        if (v === m[r]![c + 1] && v === m[r + 1]![c] && v === m[r + 1]![c + 1]) score += 3;
      }
    }
  }
  score += Math.floor(Math.abs(dark * 20 - n * n * 10) / (n * n)) * 10;
  return score;
}

/**
 * Encodes text (as UTF-8 bytes) as a QR code.
 *
 * @example
 * ```ts
 * import { encodeQr } from "./qr.ts";
 * import assert from "node:assert/strict";
 * const qr = encodeQr("http://192.168.0.10:8080/");
 * assert.equal(qr.version, 2);
 * assert.equal(qr.size, 25);
 * ```
 *
 * @param text What the code says.
 * @param mask A mask to use (0-7) instead of the one scored best.
 * @returns The code.
 * @throws {RangeError} When the text does not fit version 10.
 */
export function encodeQr(text: string, mask?: number): QrCode {
  const bytes = new TextEncoder().encode(text);
  const version = versionFor(bytes.length);
  if (version === undefined) {
    throw new RangeError(`Too long for a QR code here: ${bytes.length} bytes`);
  }
  const size = 17 + 4 * version;
  const data = codewords(bytes, version);
  let best: Grid | undefined;
  let bestScore = Infinity;
  for (let m = 0; m < 8; m++) {
    if (mask !== undefined && m !== mask) continue;
    const g = new Grid(size);
    functionPatterns(g, version);
    placeData(g, data);
    applyMask(g, m);
    formatBits(g, m);
    const score = penalty(g.dark);
    if (score < bestScore) {
      best = g;
      bestScore = score;
    }
  }
  return { version, size, modules: best!.dark };
}
