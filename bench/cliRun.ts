import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export interface CliRun {
  ms: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (`cli` is the path of dist/cli.js) to its end; a non-zero exit rejects with its stderr. */
export function runCli(cli: string, env: NodeJS.ProcessEnv, argv: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(process.execPath, [cli, ...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t;
      if (code === 0) resolve({ ms, stdout, stderr });
      else reject(new Error(`conduit ${argv.join(' ')} exited ${code}: ${stderr}`));
    });
  });
}

/** The 1-minute load average (os.loadavg: zeros on Windows). */
export { loadavg } from 'node:os';
