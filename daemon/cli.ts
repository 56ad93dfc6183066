import { CONDUIT_VERSION, PROTOCOL_VERSION } from '../protocol/version';
import { ExitCode, fail, takeProfileOption } from './cli/context';
import { joinNegativeValues } from './cli/negativeValues';

export { codeCacheHint } from './cli/codeCacheHint';

const HELP = `conduit: a resilient, cost-aware gateway to Anthropic, OpenAI and Gemini

Usage:
  conduit ask [--provider P] [--model M] [--system S] [--max-tokens N]
              [--temperature T] [--feature F] [--background] [--json] [--no-stream] PROMPT
      Ask a question; the answer streams to stdout. Without PROMPT, reads stdin.
      --json prints the final result (text, model, usage, cost, latency, attempts,
      fallbacks). --background lets the request wait in the durable queue when
      every provider is down; \`conduit jobs\` shows it.
  conduit ask [--schema FILE.json] [--image FILE]... [--effort low|medium|high] [--stop SEQ]... [...] PROMPT
      --schema: the answer must be JSON of this JSON Schema (checked, repaired once);
      --image: a PNG, JPEG, GIF or WebP sent with the prompt (repeatable);
      --effort: reasoning effort (thinking tokens are priced as output);
      --stop: end the answer before this text (repeatable; not included in the answer).
  conduit ask --estimate [...] PROMPT
      Print the expected cost (the prompt's tokens + the feature's median output in the
      ledger, or a stated default), the worst case (what a budget reserves) and the
      routing decision, each labelled; nothing is sent upstream.
  conduit route [--feature F] [--provider P] [--model M] [--max-tokens N] [--json] PROMPT
      Which tier, provider and model the request would get, and why. Sends nothing.
  conduit experiments [--since 30d] [--json]
      Per-arm results of the A/B experiments: requests, error rate, latency p50/p95,
      cost per request, ratings and retries.
  conduit status [--json]     The daemon's pid, version, uptime, clients, providers,
                              circuits, ledger state and active alerts.
  conduit usage [--since 7d] [--until T] [--by day|month|feature|model|provider]
                [--feature F] [--provider P] [--model M] [--json|--csv]
      Requests, tokens, cost, errors, latency and cache hits from the ledger.
  conduit usage export --csv FILE|--json FILE [--since T]   Raw ledger rows (FILE may be -).
  conduit usage --team [--since 7d] [--until T] [--json]
      Team mode: the team's requests and cost by person and by feature (from Redis).
  conduit team password         Store the team's Redis password in the OS keychain (stdin or prompt).
  conduit logs [--follow] [--lines N] [--raw]   The daemon's log.
  conduit jobs [--json] [--state S]   Background requests waiting in the durable queue.
  conduit jobs show ID [--json]        One job, with its result once done.
  conduit jobs retry ID                Send a held job again (the daemon stopped after sending
                                       it; the provider may have billed it once already).
  conduit batch submit FILE [--provider P] [--model M] [--feature F] [--json]
      Send FILE's JSON lines (one ChatRequest each, with an optional custom_id)
      through the provider's Batch API: about half the price, results within hours.
      Every line is checked first; a bad line stops the batch, named by its number.
  conduit batch list [--json]          Batch jobs, newest first.
  conduit batch status ID [--json]     One job's state, counts and cost so far.
  conduit batch results ID [--out FILE] [--json]
      One JSON line per request (custom_id, state, text or error), once it ended.
  conduit batch cancel ID [--json]     Ask the provider to stop a running job; what finished
      keeps its results, the rest is recorded as cancelled at no cost.
  conduit cache stats [--json]  Cache entries, bytes, hits by kind, hit rate, cost saved.
  conduit cache clear           Forget every cached answer (memory and cache.db).
  conduit cache warm FILE       Send the requests in FILE (JSON lines of ChatRequests, or -
                                for stdin) at background priority, skipping cached ones.
  conduit cache model install --from FOLDER_OR_ZIP [--sha256 HEX]
  conduit cache model install --download [--repo R] [--revision REV] [--sha256 HEX]
                                Install the local embedding model (all-MiniLM-L6-v2) from a
                                folder or zip you downloaded, or (--download, opt-in) fetch it
                                from the Hugging Face hub, resuming an interrupted download;
                                its ONNX file must match the pinned sha256
                                (cache.semantic.localModelSha256, or --sha256).
  conduit key set PROVIDER [--add] [--verify]
      Store an API key in the OS keychain, read from stdin or a hidden prompt (never
      an argument). --add keeps the current keys and adds this one as the next to try
      (rotation); --verify lists the provider's models with it before storing.
  conduit key set PROVIDER --insecure-storage
      Where no OS keychain exists (SSH, containers, WSL): store the key in a plain file in
      CONDUIT_HOME instead (mode 0600, checked on every read; a warning is printed).
  conduit key list [--json]   Which providers have keys, where each comes from (keychain,
                              VS Code window, insecure file or env), the last 4 characters.
  conduit key remove PROVIDER [ID]   Remove one stored key (k1, k2…, or "file") or all of them.
  conduit models [--provider P] [--json]
      The price catalogue in use: prices per million tokens, cache and long-prompt prices,
      context window, batch price, end of life and replacement, each with its source.
  conduit models update --from FILE|URL [--yes]
      Load a newer catalogue in the models.dev api.json format and keep it under
      CONDUIT_HOME; every changed price is printed, and a lowered one needs --yes.
  conduit serve [--show-token] [--json]
      The local OpenAI/Anthropic endpoint (server.enabled): its state and base URLs;
      --show-token also prints the token other tools use as their API key.
  conduit stop                Stop the daemon once its in-flight requests finish.
  conduit --version           Conduit's version, the runtime and the platform.
  conduit daemon [--foreground]
      Start the daemon (it also starts on demand). --foreground runs it attached,
      logging to stderr, for debugging.

Global option:
  --profile NAME               the key set (profile) to use, e.g. dev, staging, prod;
                               the config's \`profile\` when absent (CONDUIT_PROFILE too)

Environment:
  CONDUIT_HOME                 data directory (socket, token, logs)
  ANTHROPIC_API_KEY, OPENAI_API_KEY, GEMINI_API_KEY
  ANTHROPIC_BASE_URL, OPENAI_BASE_URL, GOOGLE_GEMINI_BASE_URL,
  CONDUIT_OPENAI_COMPATIBLE_BASE_URL

Exit codes: 0 ok, 1 request failed, 2 bad usage, 3 daemon unavailable,
4 degraded answer (every provider failed), 5 queued, 6 unsafe CONDUIT_HOME entry, 130 cancelled.
`;

/**
 * Each command's module is evaluated only when that command runs: `conduit ask` does not build
 * the config schemas (zod) that `route`, `usage` or `models` need.
 */
async function main(args: string[]): Promise<number> {
  const argv = joinNegativeValues(takeProfileOption(args));
  const [command, ...rest] = argv;
  switch (command) {
    case 'ask':
      return (await import('./cli/askCommand')).askCommand(rest);
    case 'status':
      return (await import('./cli/statusCommand')).statusCommand(rest);
    case 'stop':
      return (await import('./cli/stopCommand')).stopCommand();
    case 'daemon':
      return (await import('./cli/daemonCommand')).daemonCommand(rest);
    case 'usage':
      return (await import('./cli/usageCommand')).usageCommand(rest);
    case 'logs':
      return (await import('./cli/logsCommand')).logsCommand(rest);
    case 'jobs':
      return (await import('./cli/jobsCommand')).jobsCommand(rest);
    case 'key':
    case 'keys':
      return (await import('./cli/keyCommand')).keyCommand(rest);
    case 'cache':
      return (await import('./cli/cacheCommand')).cacheCommand(rest);
    case 'batch':
      return (await import('./cli/batchCommand')).batchCommand(rest);
    case 'route':
      return (await import('./cli/routeCommand')).routeCommand(rest);
    case 'experiments':
      return (await import('./cli/experimentsCommand')).experimentsCommand(rest);
    case 'team':
      return (await import('./cli/teamCommand')).teamCommand(rest);
    case 'version':
    case '--version':
    case '-v':
      process.stdout.write(
        `conduit ${CONDUIT_VERSION} (protocol ${PROTOCOL_VERSION}, Node ${process.version}, ${process.platform}-${process.arch})\n`,
      );
      return ExitCode.ok;
    case 'models':
      return (await import('./cli/modelsCommand')).modelsCommand(rest);
    case 'serve':
      return (await import('./cli/serveCommand')).serveCommand(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(HELP);
      return command === undefined ? ExitCode.usage : ExitCode.ok;
    default:
      process.stderr.write(`conduit: unknown command "${command}".\n\n${HELP}`);
      return ExitCode.usage;
  }
}

let settled = false;
// A command whose promise can no longer settle (nothing left on the event loop) would otherwise
// exit 0 without a word; say so and fail instead.
process.on('beforeExit', () => {
  if (!settled) {
    settled = true;
    process.stderr.write('conduit: internal: the command ended without finishing; see the daemon log.\n');
    process.exitCode = 1;
  }
});

main(process.argv.slice(2))
  .finally(() => {
    settled = true;
  })
  .then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.exitCode = fail(err);
    },
  );
