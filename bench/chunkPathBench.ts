/**
 * The daemon's per-chunk and per-request costs that the third pass of issue #23 cut, each timed
 * against the code it replaced, in one process, interleaved in rotated blocks (CPU time from
 * process.cpuUsage, so a loaded machine's waits for a core count less than in wall time):
 *   node bench/run.mjs --only chunk-path [--rounds N]
 * - a stream's chunk notification: vscode-jsonrpc's sendNotification through the frame writer
 *   (before) against the prebuilt frame (daemon/server/chunkFrame.ts, FrameWriter.writeBody), on a
 *   real socket whose other end parses every frame;
 * - the adapter pool's lookup: a sha256 of the key per request (before) against the kept digest.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createMessageConnection, StreamMessageReader } from 'vscode-jsonrpc/node';
import { AdapterPool } from '../daemon/gateway/adapterPool';
import { createAdapter } from '../daemon/providers/createAdapter';
import type { ProviderAdapter } from '../daemon/providers/types';
import { chunkBodies } from '../daemon/server/chunkFrame';
import { DrainingWriter } from '../daemon/server/drainingWriter';
import { ChatChunkNotification } from '../protocol';
import { percentile } from './stats';

const args = process.argv.slice(2);
const rounds = args.includes('--rounds') ? Number(args[args.indexOf('--rounds') + 1]) : 40;
const CHUNKS = 200;

async function socketPair(): Promise<{ a: net.Socket; b: net.Socket; close: () => void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdcp-'));
  const where = process.platform === 'win32' ? `\\\\.\\pipe\\cdcp-${process.pid}` : path.join(dir, 's.sock');
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(where, resolve));
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const b = net.connect(where);
  const a = await accepted;
  a.setNoDelay(true);
  return {
    a,
    b,
    close: () => {
      a.destroy();
      b.destroy();
      server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function chunks(): Promise<void> {
  const { a, b, close } = await socketPair();
  const writer = new DrainingWriter(a);
  const connection = createMessageConnection(new StreamMessageReader(a), writer);
  connection.listen();
  let received = 0;
  let wanted = 0;
  let arrived: () => void = () => undefined;
  new StreamMessageReader(b).listen(() => {
    if (++received === wanted) arrived();
  });
  const requestId = 'req_1733500000000_bench';
  const sides: Record<string, (seq: number) => void> = {
    'sendNotification (before)': (seq) =>
      void connection.sendNotification(ChatChunkNotification.type, { requestId, seq, delta: `c${seq} ` }),
    'prebuilt frame (after)': (() => {
      let body = chunkBodies(requestId);
      return (seq: number) => {
        if (seq === 0) body = chunkBodies(requestId);
        writer.writeBody(body(`c${seq} `, seq));
      };
    })(),
  };
  const cpu: Record<string, number[]> = Object.fromEntries(Object.keys(sides).map((k) => [k, []]));
  const names = Object.keys(sides);
  for (let r = 0; r < rounds + 5; r++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(r + k) % names.length]!;
      const send = sides[name]!;
      wanted = received + CHUNKS;
      const all = new Promise<void>((resolve) => (arrived = resolve));
      const c0 = process.cpuUsage();
      for (let seq = 0; seq < CHUNKS; seq++) send(seq);
      await all;
      const c = process.cpuUsage(c0);
      if (r >= 5) cpu[name]!.push((c.user + c.system) / CHUNKS);
    }
  }
  connection.dispose();
  close();
  console.log(`chunk notifications, ${CHUNKS} a block, ${rounds} blocks a side, sender and reader in this process`);
  for (const [name, v] of Object.entries(cpu))
    console.log(
      `  ${name.padEnd(28)} CPU per chunk p50 ${percentile(v, 50).toFixed(1)} µs, p90 ${percentile(v, 90).toFixed(1)} µs`,
    );
}

/** The pool's lookup as it was: a sha256 of the key on every request. */
class HashingPool {
  private readonly adapters = new Map<string, ProviderAdapter>();
  get(spec: { id: 'openai'; baseURL: string; apiKey: string; connectTimeoutMs: number }): ProviderAdapter {
    const digest = crypto.createHash('sha256').update(spec.apiKey).digest('hex').slice(0, 16);
    const mapKey = `${spec.id}\u0000${spec.baseURL}\u0000${digest}\u0000${spec.connectTimeoutMs}\u0000`;
    let adapter = this.adapters.get(mapKey);
    if (!adapter) {
      adapter = createAdapter(spec.id, spec);
      this.adapters.set(mapKey, adapter);
    }
    return adapter;
  }
}

function pool(): void {
  const spec = {
    id: 'openai' as const,
    baseURL: 'http://127.0.0.1:9/v1',
    apiKey: 'sk-fake-bench-0000',
    connectTimeoutMs: 5000,
  };
  const sides: Record<string, { get: (s: typeof spec) => ProviderAdapter }> = {
    'sha256 per request (before)': new HashingPool(),
    'kept digest (after)': new AdapterPool(),
  };
  const cpu: Record<string, number[]> = Object.fromEntries(Object.keys(sides).map((k) => [k, []]));
  const names = Object.keys(sides);
  const N = 2000;
  for (let r = 0; r < rounds + 5; r++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(r + k) % names.length]!;
      const p = sides[name]!;
      const c0 = process.cpuUsage();
      for (let i = 0; i < N; i++) p.get(spec);
      const c = process.cpuUsage(c0);
      if (r >= 5) cpu[name]!.push(((c.user + c.system) * 1000) / N);
    }
  }
  console.log(`adapter pool lookups, ${N} a block, ${rounds} blocks a side`);
  for (const [name, v] of Object.entries(cpu))
    console.log(
      `  ${name.padEnd(28)} CPU per lookup p50 ${percentile(v, 50).toFixed(0)} ns, p90 ${percentile(v, 90).toFixed(0)} ns`,
    );
}

async function main(): Promise<void> {
  const load = os.loadavg().map((x) => x.toFixed(2));
  console.log(
    `load average ${load.join(' / ')} on ${os.cpus().length} cores; Node ${process.version}; ${new Date().toISOString()}`,
  );
  await chunks();
  pool();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
