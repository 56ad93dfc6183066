import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';

const servePath = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../fakes/serve.ts');
const outDir = mkdtempSync(join(tmpdir(), 'conduit-fake-serve-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('serve.ts, the standalone fake', () => {
  it('prints its port as one JSON line and takes scripts over the control endpoint', async () => {
    const outfile = join(outDir, 'serve.js');
    await build({
      entryPoints: [servePath],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile,
      logLevel: 'silent',
    });
    const child = spawn(process.execPath, [outfile], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const firstLine = await new Promise<string>((resolveLine, reject) => {
        const lines = createInterface({ input: child.stdout });
        lines.once('line', resolveLine);
        child.once('exit', (code) => reject(new Error(`serve.ts exited with ${code}`)));
      });
      const { port } = JSON.parse(firstLine) as { port: number };
      const base = `http://127.0.0.1:${port}`;

      const enqueue = await fetch(`${base}/__fake/enqueue`, {
        method: 'POST',
        body: JSON.stringify({ provider: 'openai', script: { status: 429, error: { code: 'insufficient_quota' } } }),
      });
      expect(await enqueue.json()).toEqual({ ok: true, pending: 1 });

      const res = await fetch(`${base}/compat/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk-never-shown' },
        body: '{}',
      });
      expect(res.status).toBe(429);

      const recorded = await (await fetch(`${base}/__fake/requests`)).text();
      expect(recorded).toContain('"prefix":"/compat"');
      expect(recorded).not.toContain('sk-never-shown');
    } finally {
      child.kill('SIGTERM');
    }
  });
});
