import { ConduitError } from '../../protocol';
import { waitForExit } from '../server/stoppingMarker';
import { connect, ExitCode } from './context';

export async function stopCommand(): Promise<number> {
  let client;
  try {
    client = await connect(false);
  } catch (err) {
    if (err instanceof ConduitError && err.code === 'daemon_unavailable') {
      process.stdout.write('The Conduit daemon is not running.\n');
      return ExitCode.ok;
    }
    throw err;
  }
  try {
    const { pid } = await client.stop();
    await new Promise<void>((resolve) => {
      if (client.closed) resolve();
      else client.onClose(resolve);
    });
    if (!(await waitForExit(pid))) {
      process.stdout.write(
        `The Conduit daemon (pid ${pid}) closed its connections but is still finishing its writes; ` +
          'a new one started meanwhile waits for it.\n',
      );
      return ExitCode.ok;
    }
    process.stdout.write(`Stopped the Conduit daemon (pid ${pid}).\n`);
    return ExitCode.ok;
  } finally {
    client.close();
  }
}
