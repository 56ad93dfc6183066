/**
 * The benchmarks' mock upstream: the fake provider (test/fakes) in its own process, so its work
 * is billed to neither side. Prints {"port":N} on stdout, takes scripts over HTTP (/__fake/*),
 * and answers JSON-line commands on stdin (one JSON line back on stdout per command):
 *   {"cmd":"enforce","provider":"openai","limits":{...}|null}  the fake's rate-limit enforcement
 *   {"cmd":"enforced"}          → {"accepted":[ms...],"rejected":[ms...]}
 *   {"cmd":"count"}             → {"requests":N}
 *   {"cmd":"waitFor","n":N}     → {"at":epochMs} once N requests have arrived
 *   {"cmd":"cpu"}               → {"userUs":…,"systemUs":…} (this process's CPU time so far)
 */
import { createInterface } from 'node:readline';
import { FakeProviderServer } from '../test/fakes/fakeProvider';
import type { RateLimitEnforcer } from '../test/fakes/rateLimitEnforcer';

async function main(): Promise<void> {
  const fake = await FakeProviderServer.start({ control: true });
  let enforcer: RateLimitEnforcer | undefined;
  const reply = (body: unknown): void => {
    process.stdout.write(`${JSON.stringify(body)}\n`);
  };
  reply({ port: fake.port });
  createInterface({ input: process.stdin }).on('line', (line) => {
    const msg = JSON.parse(line) as {
      cmd: string;
      provider?: 'openai';
      limits?: Parameters<FakeProviderServer['enforceLimits']>[1];
      n?: number;
    };
    switch (msg.cmd) {
      case 'enforce':
        enforcer = fake.enforceLimits(msg.provider ?? 'openai', msg.limits ?? null);
        return reply({ ok: true });
      case 'enforced':
        return reply({ accepted: enforcer?.accepted.map((a) => a.at) ?? [], rejected: enforcer?.rejected ?? [] });
      case 'count':
        return reply({ requests: fake.requests.length });
      case 'waitFor':
        void fake.waitForRequests(msg.n ?? 1, 60_000).then(
          () => reply({ at: Date.now() }),
          () => reply({ at: null }),
        );
        return;
      case 'cpu': {
        const c = process.cpuUsage();
        return reply({ userUs: c.user, systemUs: c.system });
      }
      default:
        return reply({ error: `unknown command ${msg.cmd}` });
    }
  });
  const stop = (): void => {
    void fake.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.stdin.on('end', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`mock failed to start: ${String(err)}\n`);
  process.exit(1);
});
