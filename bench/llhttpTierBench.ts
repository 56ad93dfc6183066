/**
 * undici's HTTP parser (llhttp, WebAssembly) on V8's two tiers: its time per parse once tiered up
 * with TurboFan, against Liftoff only (the daemon's --liftoff-only, daemon/client/daemonRuntime.ts).
 * The parser is instantiated from undici's own bytes, outside undici, so the figure is llhttp's
 * alone: a 1.1 kB JSON answer and a chunked stream of 60 SSE events. Each measurement is a fresh
 * `node` (a tier is chosen per process), 2,000 parses, a pause for the background tier-up to end,
 * then 20,000 timed; rounds alternate default, Liftoff, Liftoff, default so load falls on both.
 *   node bench/run.mjs --only llhttp-tier [--rounds N]
 */
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { keepResult } from './history';

const repo = path.resolve(__dirname, '..', '..');
const rounds = process.argv.includes('--rounds') ? Number(process.argv[process.argv.indexOf('--rounds') + 1]) : 3;

// Run as its own process by the loop below (`node <this file> --child`): prints µs per parse of each kind.
const child = `
const bytes = require(${JSON.stringify(require.resolve('undici/lib/llhttp/llhttp_simd-wasm.js'))});
const mod = new WebAssembly.Module(bytes);
const env = {};
for (const imp of WebAssembly.Module.imports(mod)) env[imp.name] = () => 0;
const x = new WebAssembly.Instance(mod, { env }).exports;
const head = 'HTTP/1.1 200 OK\\r\\ndate: Mon, 07 Dec 2026 16:00:00 GMT\\r\\nx-request-id: abcdef0123456789\\r\\n';
const body = JSON.stringify({ id: 'x', choices: [{ message: { content: 'a'.repeat(900) } }] });
const ev = 'data: ' + JSON.stringify({ id: 'x', choices: [{ delta: { content: 'word '.repeat(30) } }] }) + '\\n\\n';
const chunk = Buffer.byteLength(ev).toString(16) + '\\r\\n' + ev + '\\r\\n';
const kinds = {
  json: head + 'content-type: application/json\\r\\ncontent-length: ' + body.length + '\\r\\n\\r\\n' + body,
  sse: head + 'content-type: text/event-stream\\r\\ntransfer-encoding: chunked\\r\\n\\r\\n' + chunk.repeat(60) + '0\\r\\n\\r\\n',
};
const runs = Object.entries(kinds).map(([name, text]) => {
  const msg = Buffer.from(text);
  const p = x.llhttp_alloc(2);
  const buf = x.malloc(msg.length);
  new Uint8Array(x.memory.buffer, buf, msg.length).set(msg);
  const run = (n) => { for (let i = 0; i < n; i++) if (x.llhttp_execute(p, buf, msg.length) !== 0) throw new Error(name); };
  run(2000);
  return [name, run];
});
setTimeout(() => {
  const out = {};
  for (const [name, run] of runs) {
    run(1000);
    const c = process.cpuUsage();
    run(20000);
    const d = process.cpuUsage(c);
    out[name] = (d.user + d.system) / 20000;
  }
  console.log(JSON.stringify(out));
}, 1500);
`;

function once(flags: string[]): { json: number; sse: number } {
  const r = spawnSync(process.execPath, [...flags, '-e', child], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as { json: number; sse: number };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const loadBefore = os.loadavg()[0]!;
const turbofan: Array<{ json: number; sse: number }> = [];
const liftoff: Array<{ json: number; sse: number }> = [];
for (let i = 0; i < rounds; i++) {
  turbofan.push(once([]));
  liftoff.push(once(['--liftoff-only']));
  liftoff.push(once(['--liftoff-only']));
  turbofan.push(once([]));
}
const load = `load ${loadBefore.toFixed(2)} → ${os.loadavg()[0]!.toFixed(2)}`;
const line = (name: string, xs: Array<{ json: number; sse: number }>): string =>
  `${name}: JSON answer ${median(xs.map((r) => r.json)).toFixed(2)} µs, SSE stream ${median(xs.map((r) => r.sse)).toFixed(2)} µs a parse (median of ${xs.length})`;
console.log(`llhttp per parse, ${load}\n${line('TurboFan', turbofan)}\n${line('Liftoff only', liftoff)}`);
const file = keepResult(repo, 'llhttp-tier', { rounds, turbofan, liftoff });
console.log(`kept in ${path.relative(repo, file)}`);
