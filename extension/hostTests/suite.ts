import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DaemonClient } from '../../daemon/client/daemonClient';
import type { StatusResult } from '../../protocol';
import type { AskOutcome } from '../askCommand';
import { DaemonState } from '../daemonState';
import type { ConduitApi } from '../extension';
import type { ExplanationInfo } from '../explanations';
import { answerTests } from './answerSuite';
import { chatTests } from './chatSuite';
import { keyTests } from './keysSuite';

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

async function until<T>(
  what: string,
  probe: () => T | Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
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

/** The daemon's own view, over a connection of the test's (never starts one). */
async function daemonStatus(): Promise<StatusResult> {
  const client = await DaemonClient.connect({ client: 'other', autoStart: false });
  try {
    return await client.status();
  } finally {
    client.close();
  }
}

const dailyBudget = (s: StatusResult) => s.budgets?.find((b) => b.scope === 'global' && b.period === 'day')?.limitUsd;

/** The daemon's log lines (JSON) about one request. */
function daemonLogFor(requestId: string): Record<string, unknown>[] {
  const file = path.join(process.env.CONDUIT_HOME ?? '', 'logs', 'daemon.log');
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.includes(requestId))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Changes a setting and waits until this window has pushed its settings again. */
async function setAndPush(key: string, value: unknown, target: vscode.ConfigurationTarget): Promise<void> {
  const before = api.settingsResult();
  await vscode.workspace.getConfiguration('conduit').update(key, value, target);
  await until(
    `the settings push after ${key} changed`,
    () => api.settingsResult(),
    (r) => r !== before,
  );
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
      for (const c of [
        'conduit.ask',
        'conduit.explainSelection',
        'conduit.switchProvider',
        'conduit.setApiKey',
        'conduit.removeApiKey',
        'conduit.showUsage',
        'conduit.clearCache',
        'conduit.restartDaemon',
        'conduit.showLogs',
      ]) {
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
    name: "the status bar shows today's cost after a request",
    async run() {
      await api.refreshStatus();
      const summary = await until(
        'a cost in the status bar',
        () => api.statusSummary()?.text ?? '',
        (t) => /anthropic · \$\d/.test(t),
      );
      assert.match(summary, /^\$\(pass\) anthropic · \$/);
    },
  },
  {
    name: 'Explain streams into a comment thread, is cached by content, and turns stale when the code changes',
    async run() {
      const doc = await vscode.workspace.openTextDocument({
        language: 'javascript',
        content: 'function twice(x) {\n  return x * 2;\n}\n',
      });
      const editor = await vscode.window.showTextDocument(doc);
      const range = new vscode.Range(0, 0, 2, 1);
      const first = await vscode.commands.executeCommand<ExplanationInfo | undefined>('conduit.explainSelection', {
        uri: doc.uri,
        range,
      });
      assert.ok(first?.done, 'no explanation');
      assert.equal(first.text, 'Hello from the fake provider.');
      assert.equal(first.fromCache, false);
      const again = await vscode.commands.executeCommand<ExplanationInfo | undefined>('conduit.explainSelection', {
        uri: doc.uri,
        range,
      });
      assert.equal(again?.fromCache, true);
      assert.equal(again?.hash, first.hash);
      assert.equal(api.explanations().length, 1, 'explaining again replaces the thread');
      // Whitespace at the end of a line is not a change…
      await editor.edit((e) => e.insert(new vscode.Position(1, 15), '   '));
      assert.equal(api.explanations()[0]?.stale, false);
      // …a different operator is.
      await editor.edit((e) => e.replace(new vscode.Range(1, 11, 1, 12), '+'));
      await until(
        'the explanation to turn stale',
        () => api.explanations()[0]?.stale,
        (s) => s === true,
        5000,
      );
      await vscode.commands.executeCommand('conduit.dismissExplanation');
      assert.equal(api.explanations().length, 0);
    },
  },
  {
    name: 'an invalid setting is reported by name and the last valid configuration stays',
    async run() {
      const config = vscode.workspace.getConfiguration('conduit');
      await config.update('timeouts.connectMs', -5, vscode.ConfigurationTarget.Global);
      const problems = await until(
        'the daemon to report the problem',
        () => api.settingsProblems() ?? [],
        (p) => p.length > 0,
      );
      assert.match(problems.join('\n'), /conduit\.timeouts\.connectMs/);
      // Requests still work with the previous configuration.
      await ask('host test: still working');
      await config.update('timeouts.connectMs', undefined, vscode.ConfigurationTarget.Global);
      await until(
        'the problems to clear',
        () => api.settingsProblems() ?? ['?'],
        (p) => p.length === 0,
      );
    },
  },
  {
    name: 'Retry asks the same question again and tells the daemon the first answer was retried',
    async run() {
      const first = await ask('host test: please retry me');
      const asked = (await fakeRequests()).length;
      const second = await vscode.commands.executeCommand<AskOutcome | undefined>('conduit.retryAnswer');
      assert.ok(second, 'Retry gave no answer');
      assert.notEqual(second.requestId, first.requestId);
      assert.equal((await fakeRequests()).length, asked + 1, 'the retry went to the provider once');
      const rated = await until(
        'the retry rating in the daemon log',
        () => daemonLogFor(first.requestId).filter((l) => l.msg === 'answer rated'),
        (l) => l.length > 0,
        5000,
      );
      assert.deepEqual(
        { rating: rated[0]?.rating, reason: rated[0]?.reason, feature: rated[0]?.feature },
        { rating: -1, reason: 'retry', feature: 'ask' },
      );
    },
  },
  {
    name: 'the log level applies at once; a value that waits for a restart is reported as such',
    async run() {
      await setAndPush('logLevel', 'warn', vscode.ConfigurationTarget.Global);
      const quiet = await ask('host test: quietly');
      await setAndPush('logLevel', undefined, vscode.ConfigurationTarget.Global);
      const loud = await ask('host test: loudly');
      await until(
        'the info line of the second request',
        () => daemonLogFor(loud.requestId).some((l) => l.msg === 'request'),
        (ok) => ok,
        5000,
      );
      assert.deepEqual(
        daemonLogFor(quiet.requestId).filter((l) => l.level === 'info'),
        [],
      );
      await setAndPush('cache.semantic.embedder', 'local', vscode.ConfigurationTarget.Global);
      assert.deepEqual(api.settingsResult()?.restartNeeded, ['cache.semantic.embedder']);
      assert.match(
        api.statusSummary()?.tooltip ?? '',
        /Applies when the daemon restarts.*conduit\.cache\.semantic\.embedder/,
      );
      await setAndPush('cache.semantic.embedder', undefined, vscode.ConfigurationTarget.Global);
      assert.equal(api.settingsResult()?.restartNeeded, undefined);
      assert.doesNotMatch(api.statusSummary()?.tooltip ?? '', /Applies when the daemon restarts/);
    },
  },
  {
    name: "the shared daemon follows user settings; a workspace provider steers only this window's requests",
    async run() {
      await setAndPush('budgets', { dailyUsd: 9 }, vscode.ConfigurationTarget.Global);
      assert.equal(dailyBudget(await daemonStatus()), 9);
      // conduit.budgets is an application setting (package.json `scope`): VS Code refuses a workspace value.
      await assert.rejects(
        Promise.resolve(
          vscode.workspace
            .getConfiguration('conduit')
            .update('budgets', { dailyUsd: 7 }, vscode.ConfigurationTarget.Workspace),
        ),
      );
      assert.equal(dailyBudget(await daemonStatus()), 9, 'a workspace value reached the shared daemon');
      await setAndPush('budgets', undefined, vscode.ConfigurationTarget.Global);
      assert.equal(dailyBudget(await daemonStatus()), undefined);
      await setAndPush('provider', 'gemini', vscode.ConfigurationTarget.Workspace);
      const outcome = await ask('host test: which provider for this workspace');
      assert.equal(outcome.provider, 'gemini');
      await setAndPush('provider', undefined, vscode.ConfigurationTarget.Workspace);
    },
  },
  {
    name: 'a retiring model shows in the status bar, and its link puts the replacement in conduit.models',
    async run() {
      // In the catalogue: gemini-2.5-flash ends on 2026-12-01, replaced by gemini-3.5-flash-lite.
      await setAndPush('models', { gemini: 'gemini-2.5-flash' }, vscode.ConfigurationTarget.Global);
      const shown = await until(
        'the deprecation in the status bar',
        async () => {
          await api.refreshStatus();
          return api.statusSummary();
        },
        (s) => (s?.deprecations.length ?? 0) > 0,
        10_000,
      );
      assert.equal(shown?.health, 'deprecated');
      assert.match(
        shown?.tooltip ?? '',
        /gemini\/gemini-2\.5-flash .*\[Switch to gemini-3\.5-flash-lite\]\(command:conduit\.replaceDeprecatedModel\?/,
      );
      const d = shown.deprecations[0]!;
      const before = api.settingsResult();
      assert.equal(
        await vscode.commands.executeCommand('conduit.replaceDeprecatedModel', {
          provider: d.provider,
          model: d.model,
          replacement: d.replacement,
        }),
        true,
      );
      assert.deepEqual(vscode.workspace.getConfiguration('conduit').inspect('models')?.globalValue, {
        gemini: 'gemini-3.5-flash-lite',
      });
      await until(
        'the new models to be pushed',
        () => api.settingsResult(),
        (r) => r !== before,
      );
      await until(
        'the deprecation to clear',
        async () => {
          await api.refreshStatus();
          return api.statusSummary()?.deprecations.length;
        },
        (n) => n === 0,
        10_000,
      );
      await setAndPush('models', undefined, vscode.ConfigurationTarget.Global);
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
      const next = await until(
        'a new daemon',
        () => api.daemonPid(),
        (p) => p !== undefined && p !== pid,
        30_000,
      );
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
  ...chatTests({ api: () => api, until, fakeRequests, setAndPush }),
  ...answerTests({ api: () => api, until, fakeRequests, setAndPush }),
  ...keyTests({ api: () => api, until, fakeRequests, setAndPush }),
];
