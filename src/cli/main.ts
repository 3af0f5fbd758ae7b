import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadConfig, ConfigError } from '../config/config.js';
import { createContainer, type Container } from '../container.js';
import { formatDateTime } from '../domain/format.js';
import { isAppError } from '../errors/app-error.js';

const USAGE = `Usage: pinhole <command>

  user create NAME [--admin] [--password-stdin]   create an account (password read from stdin)
  key create USER [--label L]                     create an API key; prints the key alone
  key list USER                                   list a user's keys
  key revoke KEY_ID                               revoke a key (id or the key's chv_<id>_ prefix)
  upload --server URL --key KEY FILE|URL …         upload to a Pinhole site (see pinhole upload --help)
  migrate --to-database URL [--to-storage s3]      copy this site to PostgreSQL and S3, verified (see pinhole migrate --help)

Configuration comes from the same environment variables as the server (see docs/config.md).`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function run(open: () => Promise<Container>, argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        admin: { type: 'boolean', default: false },
        'password-stdin': { type: 'boolean', default: false },
        label: { type: 'string', default: 'default' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 64;
  }
  const { values, positionals } = parsed;
  const [noun, verb, arg] = positionals;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  if (values.help || !noun) {
    out(USAGE);
    return values.help ? 0 : 64;
  }
  // Usage errors are answered before the config is read and the database opened (or created).
  const known = (noun === 'user' && verb === 'create') || (noun === 'key' && (verb === 'create' || verb === 'list' || verb === 'revoke'));
  if (!known || !arg) {
    process.stderr.write(`${USAGE}\n`);
    return 64;
  }
  const c = await open();
  if (noun === 'user' && verb === 'create' && arg) {
    const password = values['password-stdin'] ? await readStdin() : null;
    const user = await c.accounts.createUser({ username: arg, password, isAdmin: values.admin });
    out(`created user ${user.username}${user.isAdmin ? ' (admin)' : ''}`);
    return 0;
  }
  if (noun === 'key' && (verb === 'create' || verb === 'list') && arg) {
    const user = await c.accounts.findUser(arg);
    if (!user) {
      process.stderr.write(`no user named "${arg}"\n`);
      return 1;
    }
    if (verb === 'create') {
      const { key } = await c.accounts.createKey(user.id, values.label);
      out(key);
      return 0;
    }
    const keys = await c.accounts.listKeys(user.id);
    const tz = c.site.values.timeZone;
    out(['ID', 'PREFIX', 'LABEL', 'CREATED', 'LAST USED', 'STATUS'].join('\t'));
    for (const k of keys) {
      out([c.ids.encode(k.id), c.accounts.keyPrefix(k), k.label, formatDateTime(k.createdAt, tz), k.lastUsedAt ? formatDateTime(k.lastUsedAt, tz) : '-', k.revokedAt ? 'revoked' : 'active'].join('\t'));
    }
    return 0;
  }
  if (noun === 'key' && verb === 'revoke' && arg) {
    const id = c.accounts.decodeKeyId(arg);
    if (id === null || !(await c.accounts.revokeKey(id))) {
      process.stderr.write(`no active key "${arg}"\n`);
      return 1;
    }
    out(`revoked key ${arg}`);
    return 0;
  }
  process.stderr.write(`${USAGE}\n`);
  return 64;
}

/** The `pinhole` command: accounts and keys without the website. */
export async function cli(argv: string[]): Promise<number> {
  // A client of a (possibly remote) site: no server configuration, no database.
  if (argv[0] === 'upload') return (await import('./upload.command.js')).uploadCommand(argv.slice(1));
  // Two databases and two stores of its own: it does not open the site's container.
  if (argv[0] === 'migrate') return (await import('./migrate.command.js')).migrateCommand(argv.slice(1));
  const opened: { c: Container | null } = { c: null };
  try {
    return await run(async () => {
      const config = loadConfig();
      // stdout carries only the command's answer (a new key alone); logs go to stderr.
      opened.c = await createContainer(config, { logger: pino({ level: 'warn' }, pino.destination(2)) });
      return opened.c;
    }, argv);
  } catch (error) {
    if (error instanceof ConfigError || isAppError(error)) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await opened.c?.close();
  }
}
