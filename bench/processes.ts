import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';

/** The fake provider in its own process, so its work is not billed to either side. */
export async function startFake(buildDir: string): Promise<{ url: string; proc: ChildProcess; control(path: string, body: unknown): Promise<void> }> {
  const proc = spawn(process.execPath, [path.join(buildDir, 'fakeServe.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).once('line', resolve);
    proc.once('exit', (code) => reject(new Error(`fake exited with ${code}`)));
  });
  const { port } = JSON.parse(line) as { port: number };
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    proc,
    async control(p: string, body: unknown) {
      const res = await fetch(`${url}${p}`, { method: 'POST', body: JSON.stringify(body) });
      if (!res.ok) throw new Error(`control ${p}: ${res.status}`);
    },
  };
}

export function benchHome(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cdb-'));
}

export function daemonEnv(home: string, fakeUrl: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CONDUIT_HOME: home,
    ANTHROPIC_API_KEY: 'sk-ant-bench-FAKE-0000000000',
    OPENAI_API_KEY: 'sk-bench-FAKE-00000000000000000',
    GEMINI_API_KEY: 'AIzaBENCH-FAKE-000000000000000000',
    ANTHROPIC_BASE_URL: fakeUrl,
    OPENAI_BASE_URL: `${fakeUrl}/v1`,
    GOOGLE_GEMINI_BASE_URL: fakeUrl,
    CONDUIT_OPENAI_COMPATIBLE_BASE_URL: `${fakeUrl}/compat/v1`,
  };
}
