/**
 * Why the local endpoint uses node:http alone: the same handler (read a JSON body, answer a
 * chat-completion-sized JSON) on node:http and on Hono with @hono/node-server, measured for
 * (a) added latency per request, both servers in this process, requests interleaved one by one
 * over keep-alive connections; (b) bundle size, each minimal server bundled by esbuild as the
 * daemon is; (c) start cost, a fresh node process from start to listening, alternated.
 * `npm run bench -- --only httpserver [--quick]`.
 *
 * Measured 2026-12-06 (--quick, 2 loaded cores): request p50 0.094 ms (node:http) vs 0.264 ms
 * (Hono); bundle 0.1 KiB vs 37.3 KiB; process start p50 576 ms vs 811 ms.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { fmt, summarize, type Summary } from './stats';
import { textOfSize } from './processes';

const quick = process.argv.includes('--quick');
const answer = JSON.stringify({
  id: 'chatcmpl-x',
  object: 'chat.completion',
  choices: [{ index: 0, message: { role: 'assistant', content: textOfSize(1400) }, finish_reason: 'stop' }],
});

function nodeServer(): http.Server {
  return http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(answer)) });
      res.end(answer);
    });
  });
}

function honoApp(): Hono {
  const app = new Hono();
  app.post('/v1/chat/completions', async (c) => {
    await c.req.json();
    return c.body(answer, 200, { 'content-type': 'application/json' });
  });
  return app;
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
}

function post(agent: http.Agent, port: number, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/chat/completions',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve());
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function latency(): Promise<Record<string, Summary>> {
  const plain = nodeServer();
  const plainPort = await listen(plain);
  const hono = serve({ fetch: honoApp().fetch, port: 0, hostname: '127.0.0.1' }) as http.Server;
  await new Promise((r) => (hono.listening ? r(undefined) : hono.once('listening', r)));
  const honoPort = (hono.address() as { port: number }).port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const body = JSON.stringify({ model: 'gpt-5.4-mini', messages: [{ role: 'user', content: 'benchmark' }] });
  const sides: Array<[string, number]> = [
    ['node:http', plainPort],
    ['hono', honoPort],
  ];
  for (let i = 0; i < 500; i++) for (const [, port] of sides) await post(agent, port, body);
  const samples: Record<string, number[]> = { 'node:http': [], hono: [] };
  const n = quick ? 2000 : 10_000;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 2; k++) {
      const [name, port] = sides[(i + k) % 2]!;
      const t = performance.now();
      await post(agent, port, body);
      samples[name]!.push(performance.now() - t);
    }
  }
  agent.destroy();
  plain.close();
  hono.close();
  return { 'node:http': summarize(samples['node:http']!), hono: summarize(samples.hono!) };
}

async function bundles(dir: string): Promise<Record<string, { bytes: number; file: string }>> {
  const sources = {
    'node:http': `const http = require('node:http'); const s = http.createServer((q, r) => r.end('{}')); s.listen(0, '127.0.0.1', () => { process.stdout.write('up'); s.close(); });`,
    hono: `const { Hono } = require('hono'); const { serve } = require('@hono/node-server'); const app = new Hono(); app.post('/v1/chat/completions', (c) => c.json({})); const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => { process.stdout.write('up'); s.close(); });`,
  };
  const out: Record<string, { bytes: number; file: string }> = {};
  for (const [name, code] of Object.entries(sources)) {
    const src = path.join(dir, `${name === 'hono' ? 'hono' : 'plain'}.js`);
    fs.writeFileSync(src, code);
    const file = path.join(dir, `${name === 'hono' ? 'hono' : 'plain'}.bundle.js`);
    await build({
      entryPoints: [src],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      outfile: file,
      minify: true,
      logLevel: 'error',
      nodePaths: [path.resolve(__dirname, '..', '..', 'node_modules')],
    });
    out[name] = { bytes: fs.statSync(file).size, file };
  }
  return out;
}

function startCost(files: Record<string, { file: string }>): Record<string, Summary> {
  const samples: Record<string, number[]> = { 'node:http': [], hono: [] };
  const n = quick ? 20 : 60;
  for (let i = 0; i < n; i++) {
    for (const name of i % 2 ? ['hono', 'node:http'] : ['node:http', 'hono']) {
      const t = performance.now();
      const r = spawnSync(process.execPath, [files[name]!.file], { encoding: 'utf8' });
      if (r.stdout !== 'up') throw new Error(`${name} bundle did not start: ${r.stderr}`);
      samples[name]!.push(performance.now() - t);
    }
  }
  return { 'node:http': summarize(samples['node:http']!), hono: summarize(samples.hono!) };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdh-'));
  try {
    const lat = await latency();
    const files = await bundles(dir);
    const start = startCost(files);
    console.log(`\nHTTP server for the local endpoint: node:http vs Hono (@hono/node-server), same handler`);
    console.log('server      req p50       req p99       bundle        process start p50');
    for (const name of ['node:http', 'hono']) {
      console.log(
        `${name.padEnd(11)} ${fmt(lat[name]!.p50).padEnd(13)} ${fmt(lat[name]!.p99).padEnd(13)} ${(files[name]!.bytes / 1024).toFixed(1).padStart(6)} KiB    ${fmt(start[name]!.p50)}`,
      );
    }
    console.log(
      JSON.stringify({
        latency: lat,
        bundleBytes: Object.fromEntries(Object.entries(files).map(([k, v]) => [k, v.bytes])),
        start,
      }),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
