import { parseArgs } from 'node:util';
import { connect, daemonScript, ExitCode } from './context';

interface DaemonModule {
  runDaemon(opts: { foreground?: boolean }): Promise<'already-running' | 'stopped'>;
}

export async function daemonCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { foreground: { type: 'boolean', default: false } } });
  if (values.foreground) {
    // Loaded at run time so the CLI bundle does not carry the provider SDKs.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(daemonScript()) as DaemonModule;
    const exit = await mod.runDaemon({ foreground: true });
    if (exit === 'already-running') {
      process.stderr.write('conduit: a Conduit daemon is already running; stop it first with `conduit stop`.\n');
      return ExitCode.failed;
    }
    return ExitCode.ok;
  }
  const client = await connect(true);
  process.stdout.write(`Conduit daemon running (pid ${client.hello.pid}, version ${client.hello.version}).\n`);
  client.close();
  return ExitCode.ok;
}
