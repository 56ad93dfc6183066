// npm run test:stress [-- vitest args]: the integration suite (or the files given) while busy
// loops hold every core, so the tests prove they do not depend on an idle machine. The hogs are
// this script's own children and are killed by pid when vitest ends, however it ends.
import { spawn } from 'node:child_process';
import * as os from 'node:os';

const cores = os.availableParallelism();
const hogCount = Number(process.env.CONDUIT_STRESS_HOGS) || cores * 3;
const args = process.argv.slice(2);
const targets = args.length > 0 ? args : ['test/integration'];

const hogs = [];
for (let i = 0; i < hogCount; i++) {
  hogs.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
}
const killHogs = () => {
  for (const h of hogs)
    if (h.exitCode === null && h.pid) {
      try {
        process.kill(h.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
};
process.on('exit', killHogs);
for (const sig of ['SIGINT', 'SIGTERM'])
  process.on(sig, () => {
    killHogs();
    process.exit(130);
  });

const load = () =>
  os
    .loadavg()
    .map((n) => n.toFixed(1))
    .join(' ');
process.stdout.write(`[stress] ${hogCount} busy loops on ${cores} cores; load average ${load()}\n`);
// Give-up limits stretch (test and hook timeouts, the harness's CLI timeout); assertions do not.
const scale = Number(process.env.CONDUIT_TEST_TIMEOUT_SCALE) || 10;
const vitest = spawn(
  process.execPath,
  [
    'node_modules/vitest/vitest.mjs',
    'run',
    `--testTimeout=${30_000 * scale}`,
    `--hookTimeout=${30_000 * scale}`,
    ...targets,
  ],
  { stdio: 'inherit', env: { ...process.env, CONDUIT_TEST_TIMEOUT_SCALE: String(scale) } },
);
const sampler = setInterval(() => process.stdout.write(`[stress] load average ${load()}\n`), 30_000);
vitest.on('exit', (code, signal) => {
  clearInterval(sampler);
  process.stdout.write(`[stress] vitest ended (${signal ?? code}); load average ${load()}\n`);
  killHogs();
  process.exit(code ?? 1);
});
