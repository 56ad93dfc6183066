import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AskOutcome } from '../askCommand';
import { DaemonState } from '../daemonState';
import type { ConduitApi } from '../extension';
import type { ExplanationInfo } from '../explanations';

/**
 * Integration tests inside the real extension host (code-server), against the real daemon the
 * extension starts and the fake provider server the e2e test runs. They use the extension's
 * commands as a user's keybinding would, and its exports to look inside.
 */
export interface HostTest {
  name: string;
  run(): Promise<void>;
}

const EXTENSION_ID = 'conduit.conduit';
let api: ConduitApi;

async function until<T>(what: string, probe: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!ok(last)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await probe();
  }
  return last;
}

async function fakeRequests(): Promise<{ provider: string | null }[]> {
  const res = await fetch(`${process.env.ANTHROPIC_BASE_URL}/__fake/requests`);
  return (await res.json()) as { provider: string | null }[];
}

async function ask(prompt: string): Promise<AskOutcome> {
  const outcome = await vscode.commands.executeCommand<AskOutcome | undefined>('conduit.ask', { prompt });
  assert.ok(outcome, 'Ask returned no answer');
  return outcome;
}

export const tests: HostTest[] = [
  {
    name: 'activates without starting or connecting to a daemon',
    async run() {
      const ext = vscode.extensions.getExtension<ConduitApi>(EXTENSION_ID);
      assert.ok(ext, 'extension not found');
      api = await ext.activate();
      assert.equal(api.daemonState(), DaemonState.Stopped);
      const commands = await vscode.commands.getCommands(true);
      for (const c of ['conduit.ask', 'conduit.explainSelection', 'conduit.switchProvider', 'conduit.setApiKey', 'conduit.removeApiKey', 'conduit.showUsage', 'conduit.clearCache', 'conduit.restartDaemon', 'conduit.showLogs']) {
        assert.ok(commands.includes(c), `${c} is not registered`);
      }
    },
  },
  {
    name: 'Ask starts the daemon and returns the streamed answer with its provider',
    async run() {
      const outcome = await ask('host test: hello');
      assert.equal(outcome.text, 'Hello from the fake provider.');
      assert.equal(outcome.provider, 'anthropic');
      assert.equal(api.daemonState(), DaemonState.Running);
    },
  },
  {
    name: 'the status bar shows today\'s cost after a request',
    async run() {
      await api.refreshStatus();
      const summary = await until('a cost in the status bar', () => api.statusSummary()?.text ?? '', (t) => /anthropic · \$\d/.test(t));
      assert.match(summary, /^\$\(pass\) anthropic · \$/);
    },
  },
  {
    name: 'Explain streams into a comment thread, is cached by content, and turns stale when the code changes',
    async run() {
      const doc = await vscode.workspace.openTextDocument({ language: 'javascript', content: 'function twice(x) {\n  return x * 2;\n}\n' });
      const editor = await vscode.window.showTextDocument(doc);
      const range = new vscode.Range(0, 0, 2, 1);
      const first = await vscode.commands.executeCommand<ExplanationInfo | undefined>('conduit.explainSelection', { uri: doc.uri, range });
      assert.ok(first?.done, 'no explanation');
      assert.equal(first.text, 'Hello from the fake provider.');
      assert.equal(first.fromCache, false);
      const again = await vscode.commands.executeCommand<ExplanationInfo | undefined>('conduit.explainSelection', { uri: doc.uri, range });
      assert.equal(again?.fromCache, true);
      assert.equal(again?.hash, first.hash);
      assert.equal(api.explanations().length, 1, 'explaining again replaces the thread');
      // Whitespace at the end of a line is not a change…
      await editor.edit((e) => e.insert(new vscode.Position(1, 15), '   '));
      assert.equal(api.explanations()[0]?.stale, false);
      // …a different operator is.
      await editor.edit((e) => e.replace(new vscode.Range(1, 11, 1, 12), '+'));
      await until('the explanation to turn stale', () => api.explanations()[0]?.stale, (s) => s === true, 5000);
      await vscode.commands.executeCommand('conduit.dismissExplanation');
      assert.equal(api.explanations().length, 0);
    },
  },
  {
    name: 'an invalid setting is reported by name and the last valid configuration stays',
    async run() {
      const config = vscode.workspace.getConfiguration('conduit');
      await config.update('timeouts.connectMs', -5, vscode.ConfigurationTarget.Global);
      const problems = await until('the daemon to report the problem', () => api.settingsProblems() ?? [], (p) => p.length > 0);
      assert.match(problems.join('\n'), /conduit\.timeouts\.connectMs/);
      // Requests still work with the previous configuration.
      await ask('host test: still working');
      await config.update('timeouts.connectMs', undefined, vscode.ConfigurationTarget.Global);
      await until('the problems to clear', () => api.settingsProblems() ?? ['?'], (p) => p.length === 0);
    },
  },
  {
    name: 'Switch Provider updates the setting and the next request goes to that provider',
    async run() {
      await vscode.commands.executeCommand('conduit.switchProvider', { provider: 'openai' });
      assert.equal(vscode.workspace.getConfiguration('conduit').get('provider'), 'openai');
      const outcome = await ask('host test: which provider');
      assert.equal(outcome.provider, 'openai');
      const requests = await fakeRequests();
      assert.equal(requests.at(-1)?.provider, 'openai');
      await vscode.commands.executeCommand('conduit.switchProvider', { provider: 'anthropic' });
    },
  },
  {
    name: 'a killed daemon is restarted within the budget',
    async run() {
      const pid = await api.daemonPid();
      assert.ok(pid);
      process.kill(pid, 'SIGKILL');
      const next = await until('a new daemon', () => api.daemonPid(), (p) => p !== undefined && p !== pid, 30_000);
      assert.notEqual(next, pid);
      await ask('host test: after the crash');
    },
  },
  {
    name: 'Restart Daemon replaces the daemon deliberately',
    async run() {
      const pid = await api.daemonPid();
      const restarted = await vscode.commands.executeCommand<number | undefined>('conduit.restartDaemon');
      assert.ok(restarted && restarted !== pid, `restart gave pid ${String(restarted)} (was ${String(pid)})`);
      assert.equal(api.daemonState(), DaemonState.Running);
    },
  },
];
