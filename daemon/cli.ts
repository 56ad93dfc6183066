import { askCommand } from './cli/askCommand';
import { ExitCode, fail } from './cli/context';
import { daemonCommand } from './cli/daemonCommand';
import { statusCommand } from './cli/statusCommand';
import { stopCommand } from './cli/stopCommand';

const HELP = `conduit: a resilient, cost-aware gateway to Anthropic, OpenAI and Gemini

Usage:
  conduit ask [--provider P] [--model M] [--system S] [--max-tokens N]
              [--temperature T] [--json] [--no-stream] PROMPT
      Ask a question; the answer streams to stdout. Without PROMPT, reads stdin.
      --json prints the final result (text, model, usage, latency, attempts).
  conduit status [--json]     The daemon's pid, version, uptime, clients, providers.
  conduit stop                Stop the daemon once its in-flight requests finish.
  conduit daemon [--foreground]
      Start the daemon (it also starts on demand). --foreground runs it attached,
      logging to stderr, for debugging.

Environment:
  CONDUIT_HOME                 data directory (socket, token, logs)
  ANTHROPIC_API_KEY, OPENAI_API_KEY, GEMINI_API_KEY
  ANTHROPIC_BASE_URL, OPENAI_BASE_URL, GOOGLE_GEMINI_BASE_URL,
  CONDUIT_OPENAI_COMPATIBLE_BASE_URL

Exit codes: 0 ok, 1 request failed, 2 bad usage, 3 daemon unavailable, 130 cancelled.
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'ask': return askCommand(rest);
    case 'status': return statusCommand(rest);
    case 'stop': return stopCommand();
    case 'daemon': return daemonCommand(rest);
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

main(process.argv.slice(2)).finally(() => { settled = true; }).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => { process.exitCode = fail(err); },
);
