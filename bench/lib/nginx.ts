import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';
import { freePort, readCpuMs, ROOT, sleep } from './server.js';

/** The example deployment configuration that BENCHMARKS.md documents. */
export const SITE_TEMPLATE = path.join(ROOT, 'bench', 'nginx', 'pinhole-site.conf');

const CANDIDATES = ['/usr/sbin/nginx', '/usr/bin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx'];

export function findNginx(): string | null {
  for (const candidate of CANDIDATES) if (existsSync(candidate)) return candidate;
  const which = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  const found = which.stdout.trim();
  return which.status === 0 && found !== '' ? found : null;
}

/** Installs Debian's nginx-light when nginx is missing and we may (root, apt-get present). */
export function ensureNginx(log: (line: string) => void): string | null {
  const found = findNginx();
  if (found !== null) return found;
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) return null;
  log('nginx is missing: apt-get install nginx-light');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let install = spawnSync('apt-get', ['install', '-y', '-qq', 'nginx-light'], { stdio: 'ignore', env });
  if (install.status !== 0) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
    install = spawnSync('apt-get', ['install', '-y', '-qq', 'nginx-light'], { stdio: 'ignore', env });
  }
  return findNginx();
}

export interface RunningNginx {
  readonly url: string;
  readonly port: number;
  readonly version: string;
  /** CPU time of the master and its workers so far, ms. */
  cpuMs(): number;
  stop(): Promise<void>;
}

/**
 * Starts nginx in the foreground on a loopback port with the example site configuration: one
 * worker (Pinhole is one process too), sendfile on, keep-alive connections kept for the whole run.
 */
export async function startNginx(options: { binary: string; dataDir: string; pinhole: string; workDir: string }): Promise<RunningNginx> {
  const port = await freePort();
  const dir = path.resolve(options.workDir);
  await mkdir(dir, { recursive: true });
  const site = (await readFile(SITE_TEMPLATE, 'utf8'))
    .replaceAll('__LISTEN__', `127.0.0.1:${port}`)
    .replaceAll('__DATA_DIR__', path.resolve(options.dataDir))
    .replaceAll('__PINHOLE__', options.pinhole);
  await writeFile(path.join(dir, 'pinhole-site.conf'), site);
  const temp = (name: string) => `${name}_temp_path ${path.join(dir, name)};`;
  await writeFile(
    path.join(dir, 'nginx.conf'),
    [
      'daemon off;',
      'master_process on;',
      // The workers read the files as the user that owns them, as in the documented deployment.
      ...(process.getuid?.() === 0 ? [`user ${userInfo().username};`] : []),
      'worker_processes 1;',
      `pid ${path.join(dir, 'nginx.pid')};`,
      `error_log ${path.join(dir, 'error.log')} warn;`,
      'events { worker_connections 4096; }',
      'http {',
      '  access_log off;',
      '  sendfile on;',
      '  tcp_nopush on;',
      '  keepalive_timeout 65s;',
      '  keepalive_requests 1000000;',
      `  ${temp('client_body')} ${temp('proxy')} ${temp('fastcgi')} ${temp('uwsgi')} ${temp('scgi')}`,
      `  include ${path.join(dir, 'pinhole-site.conf')};`,
      '}',
      '',
    ].join('\n'),
  );
  const version = (spawnSync(options.binary, ['-v'], { encoding: 'utf8' }).stderr ?? '').trim().replace(/^nginx version: /, '');
  const test = spawnSync(options.binary, ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf')], { encoding: 'utf8' });
  if (test.status !== 0) throw new Error(`nginx rejected the configuration: ${test.stderr}`);
  const child: ChildProcess = spawn(options.binary, ['-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  let gone = false;
  const closed = new Promise<void>((resolve) => child.once('close', () => ((gone = true), resolve())));
  process.once('exit', () => child.kill('SIGKILL'));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (gone) throw new Error(`nginx exited during start: ${stderr}`);
    try {
      await fetch(`${url}/images/`);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`nginx did not answer: ${stderr}`);
      await sleep(50);
    }
  }
  return {
    url,
    port,
    version,
    cpuMs() {
      const master = child.pid ?? 0;
      let children: number[] = [];
      try {
        children = readFileSync(`/proc/${master}/task/${master}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
      } catch {
        children = [];
      }
      return [master, ...children].reduce((sum, pid) => {
        try {
          return sum + readCpuMs(pid);
        } catch {
          return sum;
        }
      }, 0);
    },
    async stop() {
      if (gone) return;
      // SIGQUIT: graceful stop of master and worker.
      child.kill('SIGQUIT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await closed;
      clearTimeout(timer);
    },
  };
}
