import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { roomyLimitHeaders, type Mock } from './processes';
import { summarize, type Summary } from './stats';

// 8b. The CLI's cold start (a new node process) to the request reaching the mock, daemon running.
export async function cliColdStart(
  mock: Mock,
  env: NodeJS.ProcessEnv,
  repo: string,
  quick: boolean,
): Promise<{ toMockMs: Summary; toExitMs: Summary }> {
  const runs = quick ? 3 : 10;
  const toMock: number[] = [];
  const toExit: number[] = [];
  await mock.control('/__fake/default', {
    provider: 'openai',
    script: { text: 'ok', chunks: 1, headers: roomyLimitHeaders },
  });
  for (let i = 0; i < runs; i++) {
    const { requests } = await mock.command<{ requests: number }>({ cmd: 'count' });
    const arrived = mock.command<{ at: number }>({ cmd: 'waitFor', n: requests + 1 });
    const t0 = Date.now();
    const p0 = performance.now();
    const r = spawnSync(
      process.execPath,
      [
        path.join(repo, 'bin', 'conduit.js'),
        'ask',
        '--provider',
        'openai',
        '--model',
        'gpt-bench',
        '--no-stream',
        `cold start ${i}`,
      ],
      { env, encoding: 'utf8' },
    );
    toExit.push(performance.now() - p0);
    if (r.status !== 0) throw new Error(`conduit ask failed: ${r.stderr}`);
    toMock.push((await arrived).at - t0);
  }
  return { toMockMs: summarize(toMock), toExitMs: summarize(toExit) };
}

// 8c. The extension's activation: require + activate() with a stub vscode (see extActivation.ts).
export function extensionActivation(
  buildDir: string,
  quick: boolean,
): { requireMs: Summary; activateMs: Summary; error?: string } {
  const req: number[] = [];
  const act: number[] = [];
  let error: string | undefined;
  for (let i = 0; i < (quick ? 3 : 10); i++) {
    const r = spawnSync(process.execPath, [path.join(buildDir, 'extActivation.js')], { encoding: 'utf8' });
    const last = r.stdout.trim().split('\n').pop() ?? '{}';
    const j = JSON.parse(last) as { requireMs: number; activateMs: number; error?: string };
    req.push(j.requireMs);
    act.push(j.activateMs);
    error ??= j.error;
  }
  return { requireMs: summarize(req), activateMs: summarize(act), ...(error ? { error } : {}) };
}
