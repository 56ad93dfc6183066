import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as vscode from 'vscode';
import { DaemonClient } from '../../daemon/client/daemonClient';
import { KeysListRequest, type KeyInfo } from '../../protocol';
import type { HostTestKit } from './chatSuite';
import type { HostTest } from './suite';

const WINDOW_KEY = 'sk-test-FAKE-host-secret-storage-0000000042';

/** The fake's control endpoint shows a key only as this fingerprint. */
const fingerprint = (key: string) => `sha256:${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;

/** The daemon's openai keys, over a connection of the test's own. */
async function openaiKeys(): Promise<KeyInfo[]> {
  const client = await DaemonClient.connect({ client: 'other', autoStart: false });
  try {
    const list = await client.connection.sendRequest(KeysListRequest.type, {});
    return list.providers.find((p) => p.provider === 'openai')?.keys ?? [];
  } finally {
    client.close();
  }
}

const windowKey = (keys: KeyInfo[]) => keys.find((k) => k.origin === 'session');

/** Set API Key through VS Code's SecretStorage, as where no OS keychain exists. */
export function keyTests(kit: HostTestKit): HostTest[] {
  return [
    {
      name: "a key in VS Code's secret storage is handed to the daemon, used, re-provided after a restart, removed",
      async run() {
        const set = await vscode.commands.executeCommand<boolean>('conduit.setApiKey', {
          provider: 'openai',
          key: WINDOW_KEY,
          store: 'secretStorage',
        });
        assert.equal(set, true);
        const held = windowKey(await openaiKeys());
        assert.ok(held, 'the daemon does not hold the window key');
        assert.equal(held.last4, '0042');

        const client = await DaemonClient.connect({ client: 'other', autoStart: false });
        try {
          await client.chat({ messages: [{ role: 'user', content: 'host test: window key' }], provider: 'openai' });
        } finally {
          client.close();
        }
        const sent = (await kit.fakeRequests()) as { provider: string | null; apiKey?: string | null }[];
        assert.equal(sent.filter((r) => r.provider === 'openai').at(-1)?.apiKey, fingerprint(WINDOW_KEY));

        await vscode.commands.executeCommand('conduit.restartDaemon');
        await kit.until('the window key after the restart', openaiKeys, (keys) => windowKey(keys) !== undefined);

        assert.equal(
          await vscode.commands.executeCommand<boolean>('conduit.removeApiKey', { provider: 'openai' }),
          true,
        );
        assert.equal(windowKey(await openaiKeys()), undefined);
      },
    },
  ];
}
