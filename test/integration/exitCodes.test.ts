import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JobsListRequest } from '../../protocol';
import { isConduitErrorData } from '../../protocol';
import { ResponseError } from 'vscode-jsonrpc/node';
import { isRunning, useDaemonAndFake, waitFor } from './harness';

/** Every exit code docs/hardening.md lists, each through the real CLI and daemon. */
describe('the CLI exit codes and the error codes behind them', () => {
  const env = useDaemonAndFake({ config: { resilience: { maxAttempts: 1, breaker: { consecutiveFailures: 100 } } } });
  const ask = (...args: string[]) => env.h.cli(['ask', '--provider', 'openai', '--model', 'gpt-test', ...args]);

  it('0: an answer', async () => {
    env.fake.enqueue('openai', { text: 'fine' });
    const r = await ask('hello');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('fine');
  });

  it('1: an upstream refusal, under its own code', async () => {
    env.fake.enqueue('openai', { status: 400, error: { message: 'bad param' } });
    const r = await ask('hello');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^conduit: invalid_request: /m);
  });

  it("1: a prompt over the daemon's message cap is too_large, named with the limit, before anything is sent", async () => {
    const before = env.fake.requests.length;
    const r = await env.h.cli(['ask', '--provider', 'openai'], {
      input: 'x'.repeat(10 * 1024 * 1024),
      timeoutMs: 120_000,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /too_large: The request is 10\.0 MB; the daemon accepts messages up to 8\.0 MB \(maxMessageBytes/,
    );
    expect(r.stderr).not.toMatch(/EPIPE|internal/);
    expect(env.fake.requests.length).toBe(before);
  });

  it('2: bad usage', async () => {
    const r = await env.h.cli(['ask', '--effort', 'extreme', 'x']);
    expect(r.code).toBe(2);
  });

  it('3: the daemon killed mid-request is daemon_unavailable, not internal', async () => {
    env.fake.enqueue('openai', { fault: { kind: 'hang' } });
    const child = env.h.spawnCli(['ask', '--provider', 'openai', '--model', 'gpt-test', 'hang here']);
    child.stdin?.end();
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // Generous: under load the CLI and a daemon start take seconds. The request reaching the
    // fake is the event waited for; no assertion depends on how long it took.
    await env.fake.waitForRequests(1, 60_000);
    const pid = (await env.h.status()).pid;
    process.kill(pid, 'SIGKILL');
    await waitFor(() => !isRunning(pid), 30_000, 'the daemon to die');
    expect(await exited).toBe(3);
    expect(stderr).toMatch(/daemon_unavailable: Lost the connection to the Conduit daemon/);
    expect(stderr).not.toMatch(/internal/);
  });

  it('4: every provider down gives the degraded answer', async () => {
    for (const p of ['anthropic', 'openai', 'gemini'] as const) env.fake.setDefault(p, { status: 503 });
    const r = await ask('hello');
    expect(r.code, r.stderr).toBe(4);
  });

  it('5: a background request that cannot run now is queued', async () => {
    env.fake.setDefault('openai', { status: 503 });
    const r = await ask('--background', 'later please');
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toMatch(/job_/);
  });

  it('6: an unsafe entry in CONDUIT_HOME', async () => {
    const token = path.join(env.h.home, 'token');
    const saved = fs.readFileSync(token);
    fs.rmSync(token);
    fs.symlinkSync('/dev/null', token);
    try {
      const r = await env.h.cli(['status']);
      expect(r.code).toBe(6);
      expect(r.stderr).toContain(`home_unsafe: ${token} is a symbolic link`);
    } finally {
      fs.rmSync(token);
      fs.writeFileSync(token, saved, { mode: 0o600 });
    }
  });

  it('IPC params of the wrong shape are invalid_request naming the field, never internal', async () => {
    const client = await env.h.connect(false);
    try {
      const err = await client.connection.sendRequest(JobsListRequest.type, { states: 'queued' as never }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ResponseError);
      const data = (err as ResponseError<unknown>).data;
      expect(isConduitErrorData(data) && data.code).toBe('invalid_request');
      expect((data as { message: string }).message).toMatch(/^jobs\/list: states: /);
      const keyErr = await client.connection.sendRequest('keys/set', { provider: 'openai', key: 42 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((keyErr as ResponseError<{ code: string }>).data?.code).toBe('invalid_request');
      // The connection is still good afterwards.
      expect((await client.status()).pid).toBeGreaterThan(0);
    } finally {
      client.close();
    }
  });
});
