/**
 * Issue 4, item 1: malformed and malicious files from test/fixtures/hostile.ts, each uploaded alone
 * and judged: 2xx with a stored picture that serves, or a clear 4xx in the envelope that leaves no
 * stored file, row or temp file; never a 5xx, a crash or a hang.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateHostileFixtures, hostileFixtureNames, hostilePath, HOSTILE_LIMIT_MB, seedFixtureNames } from '../fixtures/hostile.js';
import type { TestServer } from '../helpers/app.js';
import type { ApiAnswer } from '../helpers/upload.js';
import { recordFigures } from './helpers/figures.js';
import { outcomeProblems, settledFootprint } from './helpers/outcome.js';
import { aliceHeaders, healthy, observe, startHostileServer, uploadBytes } from './helpers/servers.js';
import { toAnswer } from './helpers/raw-http.js';

let server: TestServer;
const statuses: Record<string, number> = {};

beforeAll(async () => {
  await generateHostileFixtures();
  server = await startHostileServer({ PINHOLE_MAX_UPLOAD_MB: String(HOSTILE_LIMIT_MB) });
});
afterAll(async () => {
  await server?.stop();
  const tried = Object.values(statuses).reduce((a, b) => a + b, 0);
  await recordFigures('malformed-files', { filesTried: tried, hostileFiles: hostileFixtureNames.length, seeds: seedFixtureNames.length, byStatus: statuses });
});

type Expectation = 'accepted' | 'refused' | 'either' | number;

/** What each file must get; `either` where a decoder may legitimately salvage the file. */
const EXPECTED: Record<string, Expectation> = {
  'zero-bytes.jpg': 'refused',
  'one-byte.png': 415,
  'truncated.jpg': 422,
  'truncated-progressive.jpg': 422,
  'truncated.png': 422,
  'truncated.gif': 'either',
  'truncated.webp': 'refused',
  'truncated.avif': 'refused',
  'truncated.bmp': 'either',
  'truncated.mp4': 'either',
  'truncated-tail-moov.mp4': 422,
  'truncated.mov': 'either',
  'truncated.webm': 'either',
  'header-only.jpg': 422,
  'wrong-magic.png': 415,
  'wrong-magic.jpg': 415,
  // "GIF87b": file-type and libvips both go by "GIF8"; the picture is valid and is re-encoded.
  'wrong-magic.gif': 'either',
  'wrong-magic.webp': 415,
  'wrong-magic.mp4': 'refused',
  'png-magic-jpeg-body.png': 'refused',
  'huge-dimensions.png': 413,
  'huge-dimensions.jpg': 413,
  // The decoder sizes the picture by its 1×1 frame, not the claimed screen, so nothing big is allocated.
  'huge-screen.gif': 'either',
  'huge-frame.gif': 413,
  'thousands-of-frames.gif': 413,
  'iccp-bomb.png': 'either',
  'ztxt-bomb.png': 'either',
  'html-in-text-chunk.png': 'accepted',
  'huge-dimensions.mp4': 413,
  'two-hours.mp4': 413,
  'lying-duration.mp4': 'either',
  'script.svg': 415,
  'svg-as.jpg': 415,
  'html-as.jpg': 415,
  'php-as.jpg': 415,
  'php-after-gif-magic.jpg': 'refused',
  'polyglot-html.jpg': 'accepted',
  'polyglot-comment.jpg': 'accepted',
  'cmyk.jpg': 'accepted',
  '16-bit.png': 'accepted',
  'grey-alpha.png': 'accepted',
  'stripe-wide.png': 'accepted',
  'stripe-tall.png': 'accepted',
  'one-pixel.gif': 'accepted',
  'exif-oversized.jpg': 'accepted',
  'exif-many-segments.jpg': 'accepted',
  'exif-loop.jpg': 'accepted',
  'exif-huge-count.jpg': 'accepted',
  'exif-bad-types.jpg': 'accepted',
  'exif-truncated.jpg': 'accepted',
  'at-limit.png': 'accepted',
  'over-limit.png': 413,
};

function meets(a: ApiAnswer, expected: Expectation): boolean {
  if (expected === 'accepted') return a.status === 200;
  if (expected === 'refused') return a.status >= 400 && a.status < 500;
  if (expected === 'either') return a.status === 200 || (a.status >= 400 && a.status < 500);
  return a.status === expected;
}

/** Uploads one file the given way and returns the answer with every rule violation found. */
async function judge(send: () => Promise<ApiAnswer>): Promise<{ answer: ApiAnswer; problems: string[] }> {
  const before = await settledFootprint(observe(server));
  const answer = await send();
  statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
  const problems = await outcomeProblems(observe(server), answer, before);
  if (!(await healthy(server.url))) problems.push('server unhealthy afterwards');
  return { answer, problems };
}

describe('every generated hostile file gets 2xx or a clear 4xx, and leaves nothing when refused', () => {
  it('the expectation table covers every generated file', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...hostileFixtureNames].sort());
  });

  it.each(hostileFixtureNames)('%s', { timeout: 60_000 }, async (name) => {
    const bytes = await readFile(hostilePath(name));
    const { answer, problems } = await judge(() => uploadBytes(server, bytes, name));
    expect(problems, name).toEqual([]);
    const expected = EXPECTED[name] ?? 'either';
    expect(meets(answer, expected), `${name}: expected ${expected}, got ${answer.status} ${answer.text.slice(0, 200)}`).toBe(true);
    if (answer.status === 200 && /html|script|php/.test(name)) {
      // Re-encoding drops whatever rode along; the stored bytes carry no markup.
      const image = answer.json?.image as { url: string };
      const stored = Buffer.from(await (await fetch(image.url)).arrayBuffer()).toString('latin1');
      expect(stored).not.toMatch(/<script|<html|<\?php/i);
    }
  });

  it.each(seedFixtureNames)('valid seed %s is accepted', async (name) => {
    const { answer, problems } = await judge(async () => uploadBytes(server, await readFile(hostilePath(name)), name));
    expect(problems, name).toEqual([]);
    expect(answer.status, answer.text.slice(0, 300)).toBe(200);
  });

  it('the size limit holds to the byte for base64 bodies too', async () => {
    for (const [name, status] of [['at-limit.png', 200], ['over-limit.png', 413]] as const) {
      const b64 = (await readFile(hostilePath(name))).toString('base64');
      const viaForm = await judge(async () =>
        toAnswer(await fetch(`${server.url}/api/1/upload`, { method: 'POST', headers: aliceHeaders(server), body: new URLSearchParams({ source: b64 }) })),
      );
      expect(viaForm.problems).toEqual([]);
      expect(viaForm.answer.status).toBe(status);
      const viaJson = await judge(async () =>
        toAnswer(await fetch(`${server.url}/api/1/upload`, { method: 'POST', headers: { ...aliceHeaders(server), 'content-type': 'application/json' }, body: JSON.stringify({ source: `data:image/png;base64,${b64}` }) })),
      );
      expect(viaJson.problems).toEqual([]);
      expect(viaJson.answer.status).toBe(status);
    }
  });
});
