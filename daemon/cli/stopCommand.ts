import { ConduitError } from '../../protocol';
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
    process.stdout.write(`Stopped the Conduit daemon (pid ${pid}).\n`);
    return ExitCode.ok;
  } finally {
    client.close();
  }
}
