/**
 * Run by repositories.test.ts as a separate process: waits for "go" on stdin so that several of
 * these open the same fresh store at (nearly) the same instant, then adds one user.
 * argv: <DatabaseConfig as JSON> <username>
 */
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { openDatabase } from '../../src/db/database.js';

const config = z
  .union([
    z.object({ kind: z.literal('sqlite'), file: z.string() }),
    z.object({ kind: z.literal('postgres'), url: z.string(), schema: z.string().optional() }),
  ])
  .parse(JSON.parse(process.argv[2] ?? 'null'));
const username = z.string().min(1).parse(process.argv[3]);

const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
await once(lines, 'line');
lines.close();

const db = await openDatabase(config);
try {
  await db.users.create({ username, passwordHash: null, isAdmin: false, createdAt: new Date(0) });
} finally {
  await db.close();
}
