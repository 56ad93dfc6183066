import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { conduitHome, homeLayout } from '../daemon/home/conduitHome';
import { CacheClearRequest, type ConfigUpdateResult, type ProviderId } from '../protocol';
import { AlertNotifier } from './alertNotifier';
import { AnswerPanel } from './answerPanel';
import { rateAnswer } from './answerRating';
import { AskRunner, type AskArgs } from './askCommand';
import { registerChatModelProvider } from './chatModelProvider';
import { registerChatParticipant, type ConduitParticipant } from './chatParticipant';
import { DaemonConnection } from './daemonConnection';
import type { DaemonState } from './daemonState';
import { explainAllSymbols, type ExplainAllArgs } from './explainAllCommand';
import { ExplainedSelections } from './explainedSelections';
import { FailureNotifier, runFailureAction, type ShownNotice } from './failureNotifier';
import { ExplainCodeActionProvider, ExplainCodeLensProvider } from './explainProviders';
import { Explanations, type ExplainArgs, type ExplanationInfo } from './explanations';
import { installCliCommand, refreshCliShimSoon } from './installCliCommand';
import { removeKeyCommand, setKeyCommand, type SetKeyArgs } from './keyCommands';
import { PendingExplainBatches } from './pendingExplainBatches';
import { call, describeError } from './rpc';
import { SettingsSync } from './settingsSync';
import { replaceModelCommand, type ReplaceModelArgs } from './replaceModelCommand';
import { ConduitStatusBar } from './statusBar';
import { REPLACE_MODEL_COMMAND, type StatusSummary } from './statusSummary';
import { switchProviderCommand } from './switchProvider';
import { UsagePanel } from './usagePanel';
import { WindowKeys } from './windowKeys';

/** What activate() returns: a small read-only view for integration tests and other extensions. */
export interface ConduitApi {
  daemonState(): DaemonState;
  daemonPid(): Promise<number | undefined>;
  statusSummary(): StatusSummary | undefined;
  refreshStatus(): Promise<void>;
  explanations(): ExplanationInfo[];
  settingsProblems(): string[] | undefined;
  /** The daemon's last answer to this window's settings: problems, values waiting for a restart, conflicts. */
  settingsResult(): ConfigUpdateResult | undefined;
  /** The notifications this window showed for failures and alerts, oldest first. */
  notices(): ShownNotice[];
  /** The `@conduit` chat participant's handler, for tests where the Chat view cannot be driven. */
  chatParticipant: ConduitParticipant['handle'];
}

/**
 * Activation (at startup finished) does no I/O: it registers commands and providers and shows the
 * status bar. A daemon that is already running is connected a moment later, off this path; one is
 * started only by the first command that needs it.
 */
export function activate(context: vscode.ExtensionContext): ConduitApi {
  const log = vscode.window.createOutputChannel('Conduit', { log: true });
  const daemon = new DaemonConnection(context, log);
  const statusBar = new ConduitStatusBar(daemon);
  const refresh = () => void statusBar.refresh();
  const settings = new SettingsSync(log, (names) => statusBar.setRestartPending(names));
  const panelDeps = { extensionUri: context.extensionUri, daemon, log };
  const notices = new FailureNotifier(statusBar, log);
  const alerts = new AlertNotifier((event) => {
    refresh();
    UsagePanel.alert(event);
  }, notices);
  const answers = new AnswerPanel(context.extensionUri, {
    rate: (requestId, rating) => void rateAnswer(daemon, log, requestId, rating),
    retry: () => void asker.retry(),
    act: (action) => runFailureAction(action, asker.lastProvider()),
  });
  const explained = new ExplainedSelections();
  const asker = new AskRunner(daemon, answers, notices, explained, refresh, (requestId, rating, reason) =>
    rateAnswer(daemon, log, requestId, rating, reason),
  );
  const explanations = new Explanations(daemon, refresh, notices, explained);
  const codeLens = new ExplainCodeLensProvider();
  const explainBatches = new PendingExplainBatches(context.workspaceState, daemon, explanations, log);
  const documents = [{ scheme: 'file' }, { scheme: 'untitled' }];
  const participant = registerChatParticipant(daemon, notices);
  const chatModels = registerChatModelProvider(daemon, notices);
  // Keys kept in VS Code's SecretStorage (no OS keychain) are handed over on every connection.
  const windowKeys = new WindowKeys(context.secrets, daemon, log);

  context.subscriptions.push(
    log,
    daemon,
    windowKeys,
    statusBar,
    answers,
    explanations,
    codeLens,
    settings,
    daemon.attachSoon(),
    daemon.onConnected(async (client) => {
      alerts.attach(client);
      explainBatches.attach(client);
      await settings.push(client);
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (!e.affectsConfiguration('conduit')) return;
      if (e.affectsConfiguration('conduit.explain.codeLens')) codeLens.refresh();
      const client = await daemon.ifRunning();
      if (client) await settings.push(client);
      refresh();
    }),
    ...chatModels.disposables,
    participant.disposable,
    vscode.languages.registerCodeLensProvider(documents, codeLens),
    vscode.languages.registerCodeActionsProvider(documents, new ExplainCodeActionProvider(), {
      providedCodeActionKinds: [ExplainCodeActionProvider.kind],
    }),
    vscode.commands.registerCommand('conduit.ask', (args?: AskArgs) => asker.ask(args)),
    vscode.commands.registerCommand('conduit.installCli', () => installCliCommand(context)),
    refreshCliShimSoon(context, (msg) => log.info(msg)),
    vscode.commands.registerCommand('conduit.retryAnswer', () => asker.retry()),
    vscode.commands.registerCommand(REPLACE_MODEL_COMMAND, (args?: Partial<ReplaceModelArgs>) =>
      replaceModelCommand(args),
    ),
    vscode.commands.registerCommand('conduit.explainSelection', (args?: ExplainArgs) => explanations.explain(args)),
    vscode.commands.registerCommand('conduit.explainAllSymbols', (args?: ExplainAllArgs) =>
      explainAllSymbols(daemon, explanations, explainBatches, args),
    ),
    vscode.commands.registerCommand('conduit.dismissExplanation', (thread?: vscode.CommentThread) =>
      thread ? explanations.dismiss(thread) : explanations.dismissAll(),
    ),
    vscode.commands.registerCommand('conduit.switchProvider', (args?: { provider?: ProviderId }) =>
      switchProviderCommand(daemon, args),
    ),
    // A key set or removed adds or drops that provider's model in VS Code's model picker.
    vscode.commands.registerCommand('conduit.setApiKey', (args?: SetKeyArgs) =>
      setKeyCommand(daemon, args).finally(() => chatModels.provider.refresh()),
    ),
    vscode.commands.registerCommand('conduit.removeApiKey', (args?: { provider?: ProviderId }) =>
      removeKeyCommand(daemon, args).finally(() => chatModels.provider.refresh()),
    ),
    UsagePanel.registerSerializer(panelDeps),
    vscode.commands.registerCommand('conduit.showUsage', () => {
      UsagePanel.createOrShow(panelDeps);
    }),
    vscode.commands.registerCommand('conduit.clearCache', async () => {
      try {
        const { removed } = await call(await daemon.get(), CacheClearRequest.type, {});
        void vscode.window.showInformationMessage(`Conduit: cleared ${removed} cached answer(s).`);
        return removed;
      } catch (err) {
        void vscode.window.showErrorMessage(`Conduit: the cache was not cleared: ${describeError(err)}`);
        return undefined;
      }
    }),
    vscode.commands.registerCommand('conduit.restartDaemon', async () => {
      try {
        const client = await daemon.restart();
        void vscode.window.showInformationMessage(`Conduit: the daemon was restarted (pid ${client.hello.pid}).`);
        return client.hello.pid;
      } catch (err) {
        void vscode.window
          .showErrorMessage(`Conduit: the daemon could not be restarted: ${describeError(err)}`, 'Show Logs')
          .then((c) => c && vscode.commands.executeCommand('conduit.showDaemonLog'));
        return undefined;
      }
    }),
    vscode.commands.registerCommand('conduit.showLogs', () => log.show()),
    vscode.commands.registerCommand('conduit.showDaemonLog', async () => {
      const file = homeLayout(conduitHome()).logsDir + '/daemon.log';
      if (!fs.existsSync(file)) {
        log.show();
        void vscode.window.showInformationMessage(`Conduit: the daemon has not written a log yet (${file}).`);
        return;
      }
      await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: true, preserveFocus: false });
    }),
  );
  log.info('Conduit activated');

  return {
    daemonState: () => daemon.state,
    daemonPid: async () => (await daemon.ifRunning())?.hello.pid,
    statusSummary: () => statusBar.summary,
    refreshStatus: () => statusBar.refresh(),
    explanations: () => explanations.list(),
    settingsProblems: () => settings.last?.problems,
    settingsResult: () => settings.last,
    notices: () => [...notices.shown],
    chatParticipant: participant.participant.handle,
  };
}

export function deactivate(): void {
  // The daemon outlives the window on purpose: other windows and the CLI share it.
}
