import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  RouterExplainRequest,
  UsageQueryRequest,
  type ChatMessage,
  type ChatRequest,
  type ProviderId,
} from '../protocol';
import { CHAT_FEATURE } from './chatModelProvider';
import type { DaemonConnection } from './daemonConnection';
import { explainRequest } from './explainPrompt';
import type { FailureNotifier } from './failureNotifier';
import { classifyResult, classifyThrown } from './failureView';
import { routeMarkdown, usageMarkdown } from './participantMarkdown';
import { call, describeError, isCancelled } from './rpc';

export const PARTICIPANT_ID = 'conduit.chat';

/** What a handled request left behind, for the next turn and for tests. */
export interface ParticipantMetadata {
  command: string;
  requestId?: string;
  provider?: string;
  model?: string;
}

/**
 * `@conduit` in VS Code's Chat view. Plain questions and /explain go through the daemon like Ask
 * (the user's model choice in the picker does not apply: Conduit routes); /usage and /route only
 * read the daemon's state. Answers stream as VS Code's own markdown, so code blocks get its copy
 * and insert actions; failures come back as the chat's error result, never as answer text.
 */
export class ConduitParticipant {
  constructor(
    private readonly daemon: DaemonConnection,
    /** Failures feed the status bar and get one notification, as Ask's do. */
    private readonly notices?: Pick<FailureNotifier, 'failed' | 'succeeded'>,
  ) {}

  readonly handle: vscode.ChatRequestHandler = async (request, context, response, token) => {
    const command = request.command ?? 'ask';
    try {
      switch (command) {
        case 'explain':
          return await this.explain(request, response, token);
        case 'usage':
          return await this.usage(response);
        case 'route':
          return await this.route(request, context, response);
        default:
          return await this.ask(request, context, response, token);
      }
    } catch (err) {
      if (token.isCancellationRequested || isCancelled(err)) return { metadata: { command } };
      const failure = classifyThrown(err);
      if (failure) this.notices?.failed(failure, `@conduit /${command}`);
      return { errorDetails: { message: `Conduit: ${describeError(err)}` }, metadata: { command } };
    }
  };

  private async ask(
    request: vscode.ChatRequest,
    context: vscode.ChatContext,
    response: vscode.ChatResponseStream,
    token: vscode.CancellationToken,
  ): Promise<vscode.ChatResult> {
    const messages = [...historyMessages(context), { role: 'user' as const, content: request.prompt }];
    return this.stream({ messages, feature: CHAT_FEATURE, provider: windowProvider() }, 'ask', response, token);
  }

  private async explain(
    request: vscode.ChatRequest,
    response: vscode.ChatResponseStream,
    token: vscode.CancellationToken,
  ): Promise<vscode.ChatResult> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      response.markdown('Open a file (or select some code in it), then ask `@conduit /explain` again.');
      return { metadata: { command: 'explain' } };
    }
    const doc = editor.document;
    const selected = !editor.selection.isEmpty;
    const range = selected ? new vscode.Range(editor.selection.start, editor.selection.end) : undefined;
    // The code sent is shown as a reference, so the user sees exactly what went along.
    response.reference(range ? new vscode.Location(doc.uri, range) : doc.uri);
    const base = explainRequest(range ? doc.getText(range) : doc.getText(), doc.languageId);
    const extra = request.prompt.trim();
    const messages: ChatMessage[] = extra
      ? base.messages.map((m) => ({ ...m, content: `${typeof m.content === 'string' ? m.content : ''}\n\n${extra}` }))
      : base.messages;
    response.progress(`Explaining ${selected ? 'the selection in ' : ''}${path.basename(doc.fileName)}…`);
    return this.stream({ ...base, messages, provider: windowProvider() }, 'explain', response, token);
  }

  private async usage(response: vscode.ChatResponseStream): Promise<vscode.ChatResult> {
    const client = await this.daemon.get();
    const start = new Date();
    start.setHours(0, 0, 0, 0);
    const [status, today] = await Promise.all([
      client.status(),
      call(client, UsageQueryRequest.type, {
        since: start.getTime(),
        groupBy: 'provider',
        utcOffsetMinutes: -start.getTimezoneOffset(),
      }),
    ]);
    response.markdown(
      usageMarkdown({
        today,
        budgets: status.budgets ?? [],
        rateLimits: status.rateLimits,
        formatTime: (ms) => new Date(ms).toLocaleString(),
      }),
    );
    return { metadata: { command: 'usage' } };
  }

  private async route(
    request: vscode.ChatRequest,
    context: vscode.ChatContext,
    response: vscode.ChatResponseStream,
  ): Promise<vscode.ChatResult> {
    if (!request.prompt.trim()) {
      response.markdown(
        'Write the prompt after `/route`, e.g. `@conduit /route refactor this module into smaller files`.',
      );
      return { metadata: { command: 'route' } };
    }
    const messages = [...historyMessages(context), { role: 'user' as const, content: request.prompt }];
    const result = await call(await this.daemon.get(), RouterExplainRequest.type, {
      request: { messages, feature: CHAT_FEATURE, provider: windowProvider() },
    });
    response.markdown(routeMarkdown(result));
    return { metadata: { command: 'route', provider: result.route.provider, model: result.route.model } };
  }

  private async stream(
    request: ChatRequest,
    command: string,
    response: vscode.ChatResponseStream,
    token: vscode.CancellationToken,
  ): Promise<vscode.ChatResult> {
    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort());
    let streamed = false;
    try {
      const client = await this.daemon.get();
      const result = await client.chat(
        { ...request, stream: true, priority: 'interactive' },
        {
          signal: controller.signal,
          onChunk: (chunk) => {
            if (chunk.delta === '') return;
            streamed = true;
            response.markdown(chunk.delta);
          },
        },
      );
      const metadata: ParticipantMetadata = {
        command,
        requestId: result.requestId,
        provider: result.provider,
        model: result.model,
      };
      const failure = classifyResult(result);
      if (failure) this.notices?.failed(failure, `@conduit /${command}`);
      else this.notices?.succeeded();
      if (result.degraded) return { errorDetails: { message: `Conduit: ${result.degraded.message}` }, metadata };
      if (!streamed) response.markdown(result.text);
      return { metadata };
    } finally {
      sub.dispose();
    }
  }
}

/** Earlier turns with this participant as canonical messages: the prompts and the markdown answers. */
function historyMessages(context: vscode.ChatContext): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const turn of context.history) {
    if (turn instanceof vscode.ChatRequestTurn) {
      out.push({ role: 'user', content: turn.prompt });
    } else if (turn instanceof vscode.ChatResponseTurn) {
      const text = turn.response
        .map((p) => (p instanceof vscode.ChatResponseMarkdownPart ? p.value.value : ''))
        .join('');
      if (text) out.push({ role: 'assistant', content: text });
    }
  }
  return out;
}

function windowProvider(): ProviderId {
  return vscode.workspace.getConfiguration('conduit').get<ProviderId>('provider', 'anthropic');
}

/** Creates the participant; no I/O until the first request. */
export function registerChatParticipant(
  daemon: DaemonConnection,
  notices?: Pick<FailureNotifier, 'failed' | 'succeeded'>,
): {
  participant: ConduitParticipant;
  disposable: vscode.Disposable;
} {
  const participant = new ConduitParticipant(daemon, notices);
  const chat = vscode.chat.createChatParticipant(PARTICIPANT_ID, participant.handle);
  chat.iconPath = new vscode.ThemeIcon('pulse');
  return { participant, disposable: chat };
}
