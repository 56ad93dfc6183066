import * as fs from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * `.ci/run` starts test/e2e/install.sh in the background at its start, so that code-server's
 * native builds (minutes of one core) overlap `npm ci`, the checks and the unit tests; the script's
 * exit status lands in the file named by CONDUIT_E2E_INSTALL_RC. The e2e tests need its result,
 * so they wait for that file: not for a time, for the install's own end.
 */
export async function waitForBackgroundInstall(log: (line: string) => void): Promise<void> {
  const rcFile = process.env.CONDUIT_E2E_INSTALL_RC;
  if (!rcFile) return;
  const logFile = rcFile.replace(/\.rc$/, '.log');
  const t0 = Date.now();
  if (!fs.existsSync(rcFile)) log(`[e2e] waiting for the background install (test/e2e/install.sh) to finish`);
  // A safety net, not a measure: a background job killed before it wrote its status would
  // otherwise hold the run until CI's own limit, with no word of why.
  const giveUpAt = t0 + 60 * 60_000;
  while (!fs.existsSync(rcFile)) {
    if (Date.now() > giveUpAt)
      throw new Error(`test/e2e/install.sh wrote no exit status to ${rcFile} within an hour; see ${logFile}.`);
    await delay(1000);
  }
  const output = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').trim() : '';
  const rc = fs.readFileSync(rcFile, 'utf8').trim();
  log(`[e2e] the background install ended (exit ${rc}) after a wait of ${Date.now() - t0} ms:\n${output}`);
  if (rc !== '0')
    throw new Error(
      `test/e2e/install.sh failed (exit ${rc}); its output is above and in ${logFile}. Run it by hand to retry.`,
    );
}
