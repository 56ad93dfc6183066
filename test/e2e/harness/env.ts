import * as fs from 'node:fs';
import * as path from 'node:path';
import { DaemonClient } from '../../../daemon/client/daemonClient';
import { FAKE_KEYS, isRunning, removeHome, waitFor } from '../../integration/harness';
import { e2eDir } from './tools';

/**
 * The environment code-server gets, and so its extension host and the daemon that host starts:
 * every provider pointed at the fake, obviously fake keys, a private CONDUIT_HOME (short path,
 * for the socket), and an idle timeout so a daemon left behind exits on its own.
 */
export async function conduitEnv(fakeUrl: string, name: string): Promise<{ env: NodeJS.ProcessEnv; home: string }> {
  const home = path.join(e2eDir, `h-${name}`);
  // A daemon a run before left here would write into the home as it is removed.
  if (fs.existsSync(home)) await stopDaemon(home);
  removeHome(home);
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/_API_KEY$|_BASE_URL$|^CONDUIT_|^VITEST|^NODE_OPTIONS$/.test(k)) env[k] = v;
  }
  return {
    home,
    env: {
      ...env,
      ...FAKE_KEYS,
      CONDUIT_HOME: home,
      CONDUIT_IDLE_TIMEOUT_MS: '120000',
      ANTHROPIC_BASE_URL: fakeUrl,
      OPENAI_BASE_URL: `${fakeUrl}/v1`,
      GOOGLE_GEMINI_BASE_URL: fakeUrl,
      CONDUIT_OPENAI_COMPATIBLE_BASE_URL: `${fakeUrl}/compat/v1`,
    },
  };
}

/** The daemon in `home`, if one is running: for its pid, and to stop it after the tests. */
export async function daemonIn(home: string): Promise<DaemonClient | undefined> {
  return DaemonClient.connect({ client: 'other', home, autoStart: false }).catch(() => undefined);
}

export async function stopDaemon(home: string): Promise<void> {
  const client = await daemonIn(home);
  if (!client) return;
  const { pid } = await client.stop().catch(() => ({ pid: client.hello.pid }));
  client.close();
  // Gone, not only asked: the home is removed next (the next run's conduitEnv), and a late
  // writer would make that fail.
  const gone = () => !isRunning(pid);
  await waitFor(gone, 60_000, `the daemon (pid ${pid}) in ${home} to exit`).catch(async () => {
    process.kill(pid, 'SIGKILL');
    await waitFor(gone, 60_000, `the daemon (pid ${pid}) in ${home} to exit after SIGKILL`);
  });
}
