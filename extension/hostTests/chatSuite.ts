import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DaemonClient } from '../../daemon/client/daemonClient';
import { UsageQueryRequest, type UsageQueryResult } from '../../protocol';
import type { ParticipantMetadata } from '../chatParticipant';
import type { ConduitApi } from '../extension';
import type { HostTest } from './suite';

/** What the chat tests borrow from suite.ts, passed in so the two files do not import each other. */
export interface HostTestKit {
  api(): ConduitApi;
  until<T>(what: string, probe: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs?: number): Promise<T>;
  fakeRequests(): Promise<{ provider: string | null; body?: unknown }[]>;
  setAndPush(key: string, value: unknown, target: vscode.ConfigurationTarget): Promise<void>;
}

/** The ledger's requests for one feature since a moment, over a connection of the test's own. */
async function ledgerFor(feature: string, since: number): Promise<UsageQueryResult> {
  const client = await DaemonClient.connect({ client: 'other', autoStart: false });
  try {
    return await client.connection.sendRequest(UsageQueryRequest.type, {
      since,
      groupBy: 'feature',
      filters: { feature },
    });
  } finally {
    client.close();
  }
}

async function conduitModels(
  kit: HostTestKit,
  ok: (m: vscode.LanguageModelChat[]) => boolean,
): Promise<vscode.LanguageModelChat[]> {
  return kit.until("Conduit's models in vscode.lm", async () => vscode.lm.selectChatModels({ vendor: 'conduit' }), ok);
}

/** Sends through VS Code's language model API and reads the whole stream, as a chat would. */
async function sendAndRead(model: vscode.LanguageModelChat, prompt: string): Promise<string> {
  const source = new vscode.CancellationTokenSource();
  try {
    const response = await model.sendRequest([vscode.LanguageModelChatMessage.User(prompt)], {}, source.token);
    let text = '';
    for await (const part of response.stream) {
      if (part instanceof vscode.LanguageModelTextPart) text += part.value;
    }
    return text;
  } finally {
    source.dispose();
  }
}

/** Queues the fake provider's next answers for one provider (its control endpoint). */
async function enqueue(provider: string, script: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${process.env.ANTHROPIC_BASE_URL}/__fake/enqueue`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ provider, script }),
  });
  assert.equal(res.status, 200, await res.text());
}

/** A response stream that keeps what the participant wrote. */
function recordingStream(): { stream: vscode.ChatResponseStream; markdown: string[]; references: unknown[] } {
  const markdown: string[] = [];
  const references: unknown[] = [];
  const stream = {
    markdown: (v: string | vscode.MarkdownString) => {
      markdown.push(typeof v === 'string' ? v : v.value);
    },
    reference: (v: unknown) => {
      references.push(v);
    },
    progress: () => undefined,
    anchor: () => undefined,
    button: () => undefined,
    filetree: () => undefined,
    push: () => undefined,
  } as unknown as vscode.ChatResponseStream;
  return { stream, markdown, references };
}

async function participant(
  kit: HostTestKit,
  command: string | undefined,
  prompt: string,
): Promise<{ result: vscode.ChatResult; markdown: string; references: unknown[] }> {
  const { stream, markdown, references } = recordingStream();
  const request = { prompt, command, references: [], toolReferences: [] } as unknown as vscode.ChatRequest;
  const source = new vscode.CancellationTokenSource();
  try {
    const result = await kit.api().chatParticipant(request, { history: [] }, stream, source.token);
    return { result: result ?? {}, markdown: markdown.join(''), references };
  } finally {
    source.dispose();
  }
}

export function chatTests(kit: HostTestKit): HostTest[] {
  return [
    {
      name: "vscode.lm offers Conduit's tiers and the configured model of each provider with a key",
      async run() {
        // The daemon is running by now, so the list includes the providers, not only the tiers.
        const models = await conduitModels(kit, (ms) => ms.some((m) => m.id.startsWith('anthropic/')));
        const ids = models.map((m) => m.id);
        for (const id of ['conduit/simple', 'conduit/moderate', 'conduit/complex'])
          assert.ok(ids.includes(id), `${id} missing from ${ids.join(', ')}`);
        for (const m of models) {
          assert.equal(m.vendor, 'conduit');
          assert.ok(m.maxInputTokens > 0, `${m.id} has no input limit`);
        }
        assert.ok((await models[0]!.countTokens('日本語')) >= 3, 'the token count is below one per character');
      },
    },
    {
      name: 'a request through vscode.lm streams the answer from the daemon and is in the ledger as feature chat',
      async run() {
        const [model] = await conduitModels(kit, (ms) => ms.some((m) => m.id === 'conduit/moderate')).then((ms) =>
          ms.filter((m) => m.id === 'conduit/moderate'),
        );
        assert.ok(model);
        const prompt = 'host test: through the language model API, a question about tea kettles';
        const since = Date.now();
        const asked = (await kit.fakeRequests()).length;
        const text = await sendAndRead(model, prompt);
        assert.equal(text, 'Hello from the fake provider.');
        const requests = await kit.fakeRequests();
        assert.equal(requests.length, asked + 1, 'the request reached the provider once');
        assert.ok(JSON.stringify(requests.at(-1)?.body).includes(prompt), 'the provider did not get the prompt');
        const ledger = await kit.until(
          'the ledger row',
          () => ledgerFor('chat', since),
          (r) => r.total.requests >= 1,
          10_000,
        );
        assert.equal(ledger.total.requests, 1);
        assert.equal(ledger.groups[0]?.key, 'chat');
      },
    },
    {
      name: "a budget refusal reaches the vscode.lm caller as an error with the daemon's message",
      async run() {
        const [model] = (await vscode.lm.selectChatModels({ vendor: 'conduit' })).filter(
          (m) => m.id === 'conduit/moderate',
        );
        assert.ok(model);
        await kit.setAndPush(
          'budgets',
          { onExceed: 'block', byFeature: { chat: { dailyUsd: 0.000001 } } },
          vscode.ConfigurationTarget.Global,
        );
        const asked = (await kit.fakeRequests()).length;
        try {
          await assert.rejects(sendAndRead(model, 'host test: this one is over the budget'), (err: unknown) => {
            assert.match(err instanceof Error ? err.message : String(err), /budget of \$/);
            return true;
          });
          assert.equal((await kit.fakeRequests()).length, asked, 'a refused request reached the provider');
        } finally {
          await kit.setAndPush('budgets', undefined, vscode.ConfigurationTarget.Global);
        }
      },
    },
    {
      name: 'cancelling a vscode.lm request closes the upstream connection',
      async run() {
        const [model] = (await vscode.lm.selectChatModels({ vendor: 'conduit' })).filter(
          (m) => m.id === 'conduit/moderate',
        );
        assert.ok(model);
        // One delta, then the fake sends nothing more until the client hangs up.
        await enqueue('anthropic', { deltas: ['The first part. '], fault: { kind: 'hang', afterDeltas: 1 } });
        const asked = (await kit.fakeRequests()).length;
        const source = new vscode.CancellationTokenSource();
        let text = '';
        try {
          const response = await model.sendRequest(
            [vscode.LanguageModelChatMessage.User('host test: cancel me halfway')],
            {},
            source.token,
          );
          await (async () => {
            for await (const part of response.stream) {
              if (part instanceof vscode.LanguageModelTextPart) text += part.value;
              if (text !== '') source.cancel();
            }
          })().catch((err: unknown) => {
            // Ending the stream with a cancellation error is as good as ending it quietly.
            if (!(err instanceof vscode.CancellationError) && !/cancel/i.test(String(err))) throw err;
          });
        } finally {
          source.dispose();
        }
        assert.equal(text, 'The first part. ');
        const requests = await kit.until(
          'the upstream request to be aborted',
          () => kit.fakeRequests(),
          (r) => r.length > asked && (r[asked] as { abortedAt?: number | null }).abortedAt != null,
          10_000,
        );
        assert.equal(requests.length, asked + 1, 'the cancelled request was retried upstream');
      },
    },
    {
      name: '@conduit answers through the daemon; /explain shows the code sent as a reference',
      async run() {
        const asked = await participant(kit, undefined, 'host test: participant, what is a monad');
        assert.equal(asked.markdown, 'Hello from the fake provider.');
        assert.equal((asked.result.metadata as ParticipantMetadata).provider, 'anthropic');
        assert.equal(asked.result.errorDetails, undefined);
        const doc = await vscode.workspace.openTextDocument({
          language: 'javascript',
          content: 'const half = (x) => x / 2;\n',
        });
        const editor = await vscode.window.showTextDocument(doc);
        editor.selection = new vscode.Selection(0, 0, 0, 12);
        const explained = await participant(kit, 'explain', '');
        assert.equal(explained.markdown, 'Hello from the fake provider.');
        const ref = explained.references[0];
        assert.ok(
          ref instanceof vscode.Location && ref.uri.toString() === doc.uri.toString(),
          'the selection is not shown as a reference',
        );
        assert.equal(ref.range.end.character, 12);
        await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      },
    },
    {
      name: 'failures through @conduit and vscode.lm warn in the status bar until the next success, one notice each',
      async run() {
        const [model] = (await vscode.lm.selectChatModels({ vendor: 'conduit' })).filter(
          (m) => m.id === 'conduit/moderate',
        );
        assert.ok(model);
        const overBudget = () =>
          kit.setAndPush(
            'budgets',
            { onExceed: 'block', byFeature: { chat: { dailyUsd: 0.000001 } } },
            vscode.ConfigurationTarget.Global,
          );
        const noBudget = () => kit.setAndPush('budgets', undefined, vscode.ConfigurationTarget.Global);
        const failedBefore = /Last request failed/;
        const budgetFailed = /\*\*Last request failed\*\*: [^\n]*budget/;
        // A success first, so the gate is open and the status bar clear whatever ran before.
        assert.equal(
          (await participant(kit, undefined, 'host test: participant, before')).result.errorDetails,
          undefined,
        );
        assert.doesNotMatch(kit.api().statusSummary()?.tooltip ?? '', failedBefore);
        try {
          await overBudget();
          let notices = kit.api().notices().length;
          const refused = await participant(kit, undefined, 'host test: participant, over the budget');
          assert.ok(refused.result.errorDetails, 'the refusal was not an error result');
          // The refusal's own line. The icon alone is not its observable: the daemon's budget alert
          // (raised by this refusal or an earlier test's, cleared on its timer) reads 'degraded'.
          assert.match(kit.api().statusSummary()?.tooltip ?? '', budgetFailed);
          assert.notEqual(kit.api().statusSummary()?.health, 'ok');
          assert.equal(kit.api().notices().length, notices + 1, 'not exactly one notification');
          assert.match(kit.api().notices().at(-1)?.message ?? '', /budget/);
          await noBudget();
          assert.equal(
            (await participant(kit, undefined, 'host test: participant, after')).result.errorDetails,
            undefined,
          );
          assert.notEqual(kit.api().statusSummary()?.health, 'budget');
          assert.doesNotMatch(kit.api().statusSummary()?.tooltip ?? '', failedBefore);

          await overBudget();
          notices = kit.api().notices().length;
          await assert.rejects(sendAndRead(model, 'host test: vscode.lm, over the budget'));
          assert.match(kit.api().statusSummary()?.tooltip ?? '', budgetFailed);
          assert.notEqual(kit.api().statusSummary()?.health, 'ok');
          assert.equal(kit.api().notices().length, notices + 1, 'not exactly one notification');
          await noBudget();
          assert.equal(await sendAndRead(model, 'host test: vscode.lm, after'), 'Hello from the fake provider.');
          assert.doesNotMatch(kit.api().statusSummary()?.tooltip ?? '', failedBefore);
        } finally {
          // A setting already cleared fires no change to wait for.
          if (vscode.workspace.getConfiguration('conduit').inspect('budgets')?.globalValue !== undefined)
            await noBudget();
        }
      },
    },
    {
      name: "@conduit /usage shows today's spend and budgets; /route names the model without sending anything",
      async run() {
        const usage = await participant(kit, 'usage', '');
        assert.match(usage.markdown, /### Today\n\n\*\*(< )?\$[\d.]+\*\* over \d+ requests?/);
        assert.match(usage.markdown, /### Budgets/);
        const asked = (await kit.fakeRequests()).length;
        const route = await participant(kit, 'route', 'refactor this module into smaller files');
        const meta = route.result.metadata as ParticipantMetadata;
        assert.equal(meta.provider, 'anthropic');
        assert.ok(route.markdown.includes(`**anthropic/${meta.model ?? '?'}**`), route.markdown);
        assert.match(route.markdown, /Nothing was sent\./);
        assert.equal((await kit.fakeRequests()).length, asked, '/route sent a request');
      },
    },
  ];
}
