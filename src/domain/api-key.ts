/**
 * User API keys look like `chv_<encodedId>_<secretHex>` (SPEC A2): the id finds the key row
 * without a scan, the secret is checked against a stored hash.
 */

const API_KEY = /^chv_([A-Za-z0-9]+)_([0-9a-f]{64,128})$/;
const ENCODED_ID = /^[A-Za-z0-9]+$/;
const SECRET = /^[0-9a-f]{64,128}$/;
const DELETE_SECRET = /^[0-9a-f]{48}$/;

export interface ParsedApiKey {
  encodedId: string;
  secret: string;
}

export function formatApiKey(encodedId: string, secretHex: string): string {
  // Refuse to mint a key that parseApiKey would later reject.
  if (!ENCODED_ID.test(encodedId)) throw new RangeError('encodedId must be [A-Za-z0-9]+');
  if (!SECRET.test(secretHex)) throw new RangeError('secret must be 64..128 lowercase hex characters');
  return `chv_${encodedId}_${secretHex}`;
}

export function parseApiKey(s: string): ParsedApiKey | null {
  const m = API_KEY.exec(s);
  if (!m || m[1] === undefined || m[2] === undefined) return null;
  return { encodedId: m[1], secret: m[2] };
}

/** Delete-URL secrets: 24 random bytes as 48 lowercase hex characters (SPEC §2.4). */
export function isDeleteSecret(s: string): boolean {
  return DELETE_SECRET.test(s);
}
