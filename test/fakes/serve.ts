/**
 * Runs the fake provider server on its own, for manual runs and for other processes (an
 * integration test that starts the daemon, a benchmark). Prints {"port":N} as one JSON line on
 * stdout, then takes scripts through the /__fake/* control endpoint (see control.ts).
 *
 * Node 20 does not run TypeScript, so bundle it first:
 *   npx esbuild test/fakes/serve.ts --bundle --platform=node --outfile=/tmp/fake-serve.js
 *   node /tmp/fake-serve.js
 */
import { FakeProviderServer } from './fakeProvider';

async function main(): Promise<void> {
  const fake = await FakeProviderServer.start({ control: true });
  process.stdout.write(`${JSON.stringify({ port: fake.port })}\n`);
  const stop = (): void => {
    void fake.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`fake provider failed to start: ${String(err)}\n`);
  process.exit(1);
});
