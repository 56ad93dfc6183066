import * as fs from 'node:fs';
import * as path from 'node:path';
import { DaemonClient } from '../../../daemon/client/daemonClient';
import { FAKE_KEYS } from '../../integration/harness';
import { e2eDir } from './tools';

/**
 * The environment code-server gets, and so its extension host and the daemon that host starts:
 * every provider pointed at the fake, obviously fake keys, a private CONDUIT_HOME (short path,
 * for the socket), and an idle timeout so a daemon left behind exits on its own.
 */
export function conduitEnv(fakeUrl: string, name: string): { env: NodeJS.ProcessEnv; home: string } {
  const home = path.join(e2eDir, `h-${name}`);
  fs.rmSync(home, { recursive: true, force: true });
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
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone */
  }
}
