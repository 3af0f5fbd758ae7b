import zlib from 'node:zlib';

/**
 * Seeded mutations of valid files for the fuzzer: byte-level (bit flips, interesting values,
 * truncation, duplicated, deleted or shuffled ranges) and structure-level (the chunks of PNG, the
 * segments of JPEG, the boxes of ISO-BMFF, the chunks of RIFF), so both the parsers' framing and
 * their payload decoding get hit. Case `i` under seed `s` is always the same bytes.
 */

export type Rng = () => number;

/** mulberry32: small, fast, good enough to spread mutations; never for secrets. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The generator of case `index` under `seed`, independent of every other case. */
export function caseRng(seed: number, index: number): Rng {
  return rng((Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(index + 1, 0xc2b2ae35)) >>> 0);
}

const int = (r: Rng, max: number) => Math.floor(r() * max);
const pick = <T>(r: Rng, items: readonly T[]): T => items[int(r, items.length)] as T;

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff];
const INTERESTING_32 = [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe, 0x10000];

/** A piece of a file: [start, end) with a label, for the structure-aware operators. */
interface Piece {
  readonly start: number;
  readonly end: number;
}

function pngChunks(b: Buffer): Piece[] {
  const out: Piece[] = [];
  for (let at = 8; at + 12 <= b.length && out.length < 4096; ) {
    const end = at + 12 + b.readUInt32BE(at);
    if (end > b.length || end <= at) break;
    out.push({ start: at, end });
    at = end;
  }
  return out;
}

function jpegSegments(b: Buffer): Piece[] {
  const out: Piece[] = [];
  for (let at = 2; at + 4 <= b.length && out.length < 4096; ) {
    if (b[at] !== 0xff) break;
    const marker = b[at + 1] ?? 0;
    if (marker === 0xda || marker === 0xd9) {
      out.push({ start: at, end: b.length });
      break;
    }
    const end = at + 2 + b.readUInt16BE(at + 2);
    if (end > b.length) break;
    out.push({ start: at, end });
    at = end;
  }
  return out;
}

function isoBoxes(b: Buffer, from = 0, to = b.length, depth = 0): Piece[] {
  const out: Piece[] = [];
  for (let at = from; at + 8 <= to && out.length < 4096; ) {
    const size = b.readUInt32BE(at);
    const end = size === 0 ? to : at + size;
    if (size < 8 || end > to) break;
    out.push({ start: at, end });
    const type = b.toString('latin1', at + 4, at + 8);
    if (depth < 3 && ['moov', 'trak', 'mdia', 'minf', 'stbl'].includes(type)) out.push(...isoBoxes(b, at + 8, end, depth + 1));
    at = end;
  }
  return out;
}

function riffChunks(b: Buffer): Piece[] {
  const out: Piece[] = [];
  for (let at = 12; at + 8 <= b.length && out.length < 4096; ) {
    const end = at + 8 + b.readUInt32LE(at + 4) + (b.readUInt32LE(at + 4) % 2);
    if (end > b.length || end <= at) break;
    out.push({ start: at, end });
    at = end;
  }
  return out;
}

function piecesOf(b: Buffer): Piece[] {
  if (b.length > 8 && b.readUInt32BE(0) === 0x89504e47) return pngChunks(b);
  if (b.length > 4 && b[0] === 0xff && b[1] === 0xd8) return jpegSegments(b);
  if (b.length > 12 && b.toString('latin1', 0, 4) === 'RIFF') return riffChunks(b);
  if (b.length > 8 && b.toString('latin1', 4, 8) === 'ftyp') return isoBoxes(b);
  return [];
}

type Operator = (b: Buffer, r: Rng) => Buffer;

const byteOps: Record<string, Operator> = {
  bitflip(b, r) {
    const out = Buffer.from(b);
    for (let n = 1 + int(r, 8); n > 0 && out.length > 0; n -= 1) {
      const at = int(r, out.length);
      out[at] = (out[at] ?? 0) ^ (1 << int(r, 8));
    }
    return out;
  },
  interesting(b, r) {
    const out = Buffer.from(b);
    if (out.length < 4) return out;
    const at = int(r, out.length - 3);
    if (r() < 0.5) out[at] = pick(r, INTERESTING);
    else out.writeUInt32BE(pick(r, INTERESTING_32) >>> 0, at);
    return out;
  },
  truncate(b, r) {
    return b.subarray(0, int(r, b.length));
  },
  duplicate(b, r) {
    const start = int(r, b.length);
    const end = Math.min(b.length, start + 1 + int(r, 512));
    const at = int(r, b.length + 1);
    return Buffer.concat([b.subarray(0, at), b.subarray(start, end), b.subarray(at)]);
  },
  remove(b, r) {
    const start = int(r, b.length);
    const end = Math.min(b.length, start + 1 + int(r, 256));
    return Buffer.concat([b.subarray(0, start), b.subarray(end)]);
  },
  shuffle(b, r) {
    const n = 2 + int(r, 6);
    const cuts = Array.from({ length: n - 1 }, () => int(r, b.length)).sort((x, y) => x - y);
    const bounds = [0, ...cuts, b.length];
    const parts = bounds.slice(1).map((end, i) => b.subarray(bounds[i] ?? 0, end));
    const i = int(r, parts.length);
    const j = int(r, parts.length);
    [parts[i], parts[j]] = [parts[j] as Buffer, parts[i] as Buffer];
    return Buffer.concat(parts);
  },
  garbage(b, r) {
    const junk = Buffer.from(Array.from({ length: 1 + int(r, 64) }, () => int(r, 256)));
    const at = int(r, b.length + 1);
    return Buffer.concat([b.subarray(0, at), junk, b.subarray(at)]);
  },
};

const pieceOps: Record<string, (b: Buffer, pieces: Piece[], r: Rng) => Buffer> = {
  'dup-piece'(b, pieces, r) {
    const p = pick(r, pieces);
    const times = 1 + int(r, r() < 0.1 ? 200 : 3);
    return Buffer.concat([b.subarray(0, p.end), ...Array.from({ length: times }, () => b.subarray(p.start, p.end)), b.subarray(p.end)]);
  },
  'drop-piece'(b, pieces, r) {
    const p = pick(r, pieces);
    return Buffer.concat([b.subarray(0, p.start), b.subarray(p.end)]);
  },
  'swap-pieces'(b, pieces, r) {
    const top = pieces.filter((p) => !pieces.some((q) => q !== p && q.start <= p.start && q.end >= p.end && (q.start !== p.start || q.end !== p.end)));
    if (top.length < 2) return b;
    const i = int(r, top.length);
    const j = int(r, top.length);
    const [x, y] = [top[Math.min(i, j)] as Piece, top[Math.max(i, j)] as Piece];
    if (x === y) return b;
    return Buffer.concat([b.subarray(0, x.start), b.subarray(y.start, y.end), b.subarray(x.end, y.start), b.subarray(x.start, x.end), b.subarray(y.end)]);
  },
  'resize-piece'(b, pieces, r) {
    // Lie about a length field: the header of a chunk, segment or box.
    const p = pick(r, pieces);
    const out = Buffer.from(b);
    const isPng = b.readUInt32BE(0) === 0x89504e47;
    const isJpeg = b[0] === 0xff && b[1] === 0xd8;
    const isRiff = b.toString('latin1', 0, 4) === 'RIFF';
    if (isJpeg && p.start + 4 <= out.length) out.writeUInt16BE(int(r, 0x10000), p.start + 2);
    else if (isRiff && p.start + 8 <= out.length) out.writeUInt32LE(pick(r, INTERESTING_32) >>> 0, p.start + 4);
    else if (p.start + 4 <= out.length) out.writeUInt32BE((isPng || r() < 0.5 ? pick(r, INTERESTING_32) : int(r, 0x100000)) >>> 0, p.start);
    return out;
  },
};

const DIMENSIONS = [0, 1, 2, 255, 256, 4096, 8192, 16_383, 16_384, 30_000, 65_535, 65_536, 0x7fffffff, 0xffffffff];

/** Rewrites a size field of the format's header: what decompression bombs and limit checks are about. */
function dimensions(b: Buffer, r: Rng): Buffer | null {
  const out = Buffer.from(b);
  const v = pick(r, DIMENSIONS);
  const u16 = Math.min(v, 0xffff);
  if (out.length > 33 && out.readUInt32BE(0) === 0x89504e47) {
    out.writeUInt32BE(v >>> 0, r() < 0.5 ? 16 : 20);
    // Half the time with a correct CRC, so the decoder gets past the chunk check.
    if (r() < 0.5) out.writeUInt32BE(zlib.crc32(out.subarray(12, 29)), 29);
    return out;
  }
  if (out.length > 10 && out[0] === 0xff && out[1] === 0xd8) {
    for (let i = 2; i + 9 < out.length; i += 1) {
      if (out[i] === 0xff && [0xc0, 0xc1, 0xc2].includes(out[i + 1] ?? 0)) {
        out.writeUInt16BE(u16, i + (r() < 0.5 ? 5 : 7));
        return out;
      }
    }
    return null;
  }
  if (out.length > 13 && out.toString('latin1', 0, 3) === 'GIF') {
    const descriptor = out.indexOf(0x2c, 13);
    const at = r() < 0.5 || descriptor < 0 || descriptor + 9 > out.length ? 6 + 2 * int(r, 2) : descriptor + 5 + 2 * int(r, 2);
    out.writeUInt16LE(u16, at);
    return out;
  }
  if (out.length > 26 && out[0] === 0x42 && out[1] === 0x4d) {
    out.writeInt32LE(v | 0, r() < 0.5 ? 18 : 22);
    return out;
  }
  if (out.length > 30 && out.toString('latin1', 0, 4) === 'RIFF' && out.toString('latin1', 12, 16) === 'VP8X') {
    out.writeUIntLE(Math.min(v, 0xffffff), r() < 0.5 ? 24 : 27, 3);
    return out;
  }
  if (out.length > 12 && out.toString('latin1', 4, 8) === 'ftyp') {
    const box = pick(r, ['tkhd', 'mdhd', 'mvhd', 'stsz', 'stts']);
    const at = out.indexOf(box, 0, 'latin1');
    if (at < 0) return null;
    const field = box === 'tkhd' ? at + 4 + 76 + 4 * int(r, 2) : box === 'stsz' || box === 'stts' ? at + 8 + 4 * int(r, 2) : at + 4 + 12 + 4 * int(r, 2);
    if (field + 4 > out.length) return null;
    out.writeUInt32BE(v >>> 0, field);
    return out;
  }
  return null;
}

export interface Mutation {
  readonly bytes: Buffer;
  /** The operators applied, e.g. "bitflip+dup-piece". */
  readonly ops: string;
}

/** 1–3 mutations of `input`, drawn from `r`; structure-level ones when the format's pieces parse. */
export function mutate(input: Buffer, r: Rng): Mutation {
  let bytes = input;
  const ops: string[] = [];
  for (let n = 1 + int(r, 3); n > 0; n -= 1) {
    const pieces = piecesOf(bytes);
    const resized = r() < 0.15 ? dimensions(bytes, r) : null;
    if (resized) {
      bytes = resized;
      ops.push('dimensions');
    } else if (pieces.length > 0 && r() < 0.4) {
      const name = pick(r, Object.keys(pieceOps));
      bytes = (pieceOps[name] as (typeof pieceOps)[string])(bytes, pieces, r);
      ops.push(name);
    } else {
      const name = pick(r, Object.keys(byteOps));
      bytes = (byteOps[name] as Operator)(bytes, r);
      ops.push(name);
    }
    if (bytes.length === 0) break;
  }
  return { bytes, ops: ops.join('+') };
}
