/**
 * Key IDs as `pinhole key list` and the settings page show them are public IDs, and a public ID can
 * be all digits: it must reach the key it names, not the row of that number.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/app.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

describe('key IDs', () => {
  it('decodes an all-digit public ID as the key it encodes', () => {
    const { ids, accounts } = server.c;
    let digits: { id: number; text: string } | null = null;
    for (let id = 1; id < 200_000 && digits === null; id++) {
      const text = ids.encode(id);
      if (/^\d+$/.test(text) && Number(text) !== id) digits = { id, text };
    }
    expect(digits, 'some ID encodes to digits only').not.toBeNull();
    expect(accounts.decodeKeyId(digits!.text)).toBe(digits!.id);
    expect(accounts.decodeKeyId(`chv_${ids.encode(42)}_`)).toBe(42);
    expect(accounts.decodeKeyId(ids.encode(42))).toBe(42);
    expect(accounts.decodeKeyId('not an id!')).toBeNull();
  });
});
