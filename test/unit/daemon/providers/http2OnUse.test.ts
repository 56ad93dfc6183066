import { execFile } from 'node:child_process';
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, constants } from '../../../../daemon/providers/http2OnUse';
import { undiciHttp2OnUse } from '../../../../scripts/undiciHttp2OnUse.mjs';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'conduit-http2-on-use-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** What undici's HTTP/2 client destructures from `http2.constants` when it is evaluated. */
function constantsUndiciReads(): string[] {
  const file = path.join(path.dirname(require.resolve('undici')), 'lib', 'dispatcher', 'client-h2.js');
  const block = /const\s*\{\s*constants:\s*\{([^}]*)\}\s*\}\s*=\s*http2/.exec(fs.readFileSync(file, 'utf8'));
  if (!block) throw new Error("undici's client-h2.js no longer destructures http2.constants this way");
  return block[1]!
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
}

/**
 * undici's pool and request API (daemon/providers/undici.ts) bundled the daemon's way with the
 * given plugins, run in a new Node: a plain request to a loopback server, then whether the
 * process loaded node:http2.
 */
async function requestLoads(name: string, plugins: esbuild.Plugin[]): Promise<{ body: string; http2: boolean }> {
  const outfile = path.join(tmp, `${name}.js`);
  await esbuild.build({
    stdin: {
      contents: [
        "import * as http from 'node:http';",
        "import { Agent } from './daemon/providers/undici';",
        "const server = http.createServer((_req, res) => res.end('answer'));",
        "server.listen(0, '127.0.0.1', async () => {",
        '  const agent = new Agent();',
        "  const origin = 'http://127.0.0.1:' + server.address().port;",
        "  const res = await agent.request({ origin, path: '/', method: 'GET' });",
        '  const body = await res.body.text();',
        "  console.log(JSON.stringify({ body, http2: process.moduleLoadList.includes('NativeModule http2') }));",
        '  await agent.close();',
        '  server.close();',
        '});',
      ].join('\n'),
      resolveDir: process.cwd(),
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    logLevel: 'silent',
    plugins,
  });
  const { stdout } = await promisify(execFile)(process.execPath, [outfile]);
  return JSON.parse(stdout) as { body: string; http2: boolean };
}

describe('undici without node:http2 until an HTTP/2 connect', () => {
  it("has every constant undici's HTTP/2 client reads, with node:http2's values", () => {
    const read = constantsUndiciReads();
    expect(read.length).toBeGreaterThan(5);
    const runtime = http2.constants as unknown as Record<string, unknown>;
    for (const name of read) {
      expect((constants as Record<string, unknown>)[name], name).toBeDefined();
      expect((constants as Record<string, unknown>)[name], name).toBe(runtime[name]);
    }
  });

  it('sends a plain request without loading node:http2', async () => {
    expect(await requestLoads('shim', [undiciHttp2OnUse])).toEqual({ body: 'answer', http2: false });
    // The check can fail: without the plugin undici loads it when it is evaluated.
    expect(await requestLoads('plain', [])).toEqual({ body: 'answer', http2: true });
  });

  it("connects through the runtime's node:http2 on use", async () => {
    const server = http2.createServer((_req, res) => res.end('over h2'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const session = connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    try {
      const stream = session.request({ [constants.HTTP2_HEADER_PATH]: '/' });
      let body = '';
      stream.setEncoding('utf8');
      stream.on('data', (c: string) => (body += c));
      await new Promise((resolve) => stream.on('end', resolve));
      expect(body).toBe('over h2');
    } finally {
      session.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
