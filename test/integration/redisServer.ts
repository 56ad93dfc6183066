import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import Redis from 'ioredis';

const REDIS_SERVER =
  ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => fs.existsSync(p)) ??
  (spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim() || undefined);

/**
 * Whether team-mode tests can run. Without redis-server they are skipped with a message, except
 * under CI, where the missing server is a failure (.ci/run installs Debian's redis-server).
 */
export function redisAvailable(): boolean {
  if (REDIS_SERVER) return true;
  if (process.env.CI)
    throw new Error(
      "redis-server is not installed, and CI is set: install Debian's redis-server (apt-get install redis-server); the team-mode tests need a real one.",
    );
  console.warn(
    'SKIPPED: the team-mode tests need redis-server (apt-get install redis-server); it is not installed here.',
  );
  return false;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** A real redis-server on a free port with a private temp dir and no persistence; restartable on the same port. */
export class RedisServer {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly password?: string,
  ) {}

  /** `password` turns on Redis AUTH (requirepass), as a shared team Redis has. */
  static async start(opts: { password?: string } = {}): Promise<RedisServer> {
    const server = new RedisServer(
      await freePort(),
      fs.mkdtempSync(path.join(os.tmpdir(), 'cdt-redis-')),
      opts.password,
    );
    await server.resume();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** (Re)starts the server on its port; resolves once it accepts connections. */
  async resume(): Promise<void> {
    if (!REDIS_SERVER) throw new Error('redis-server is not installed');
    const child = spawn(
      REDIS_SERVER,
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        this.dir,
        ...(this.password ? ['--requirepass', this.password] : []),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`redis-server did not start on port ${this.port}: ${out}`)),
        10_000,
      );
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (/Ready to accept connections/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}: ${out}`));
      });
    });
    child.removeAllListeners('exit');
  }

  /**
   * Stops the server, as an outage would. By default it saves its data first (SHUTDOWN SAVE, as a
   * Redis with persistence keeps it) and `resume` loads it again; `{ keepData: false }` kills it.
   */
  async pause(opts: { keepData?: boolean } = {}): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (opts.keepData === false) {
      child.kill('SIGKILL');
    } else {
      const conn = new Redis(this.port, '127.0.0.1', {
        ...(this.password ? { password: this.password } : {}),
        lazyConnect: false,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      conn.on('error', () => undefined);
      await conn.call('SHUTDOWN', 'SAVE').catch(() => undefined);
      conn.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await exited;
  }

  async stop(): Promise<void> {
    await this.pause();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
