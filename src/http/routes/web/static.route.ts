import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const TYPES: Readonly<Record<string, string>> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};
/** Stylesheets ship as written; browser modules are compiled from src/web/client by `npm run build`. */
const DIRS: readonly string[] = [path.join(ROOT, 'src/web/static'), path.join(ROOT, 'dist/web/client')];

/** `/static/{name}`: the site's own CSS and browser modules, from a fixed list of folders. */
export function registerStaticRoutes(app: FastifyInstance): void {
  const cache = new Map<string, Buffer>();
  app.get<{ Params: { name: string } }>('/static/:name', async (request, reply) => {
    const { name } = request.params;
    const type = TYPES[path.extname(name)];
    if (!type || !/^[a-z0-9][a-z0-9._-]*$/i.test(name)) return reply.callNotFound();
    let body = cache.get(name);
    if (!body) {
      for (const dir of DIRS) {
        body = await readFile(path.join(dir, name)).catch(() => undefined);
        if (body) break;
      }
      if (!body) return reply.callNotFound();
      if (process.env.NODE_ENV === 'production') cache.set(name, body);
    }
    return reply.headers({ 'content-type': type, 'cache-control': 'public, max-age=300', 'x-content-type-options': 'nosniff' }).send(body);
  });
}
