import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usageCommand } from '../../daemon/cli/usageCommand';
import { DaemonClient } from '../../daemon/client/daemonClient';
import { ensurePrivateDir, homeLayout } from '../../daemon/home/conduitHome';
import { socketAddress } from '../../daemon/home/socketAddress';
import { readOrCreateToken } from '../../daemon/home/token';
import { usageHandlers } from '../../daemon/server/handlers/usageHandlers';
import { DaemonServer } from '../../daemon/server/daemonServer';
import { AlertMonitor } from '../../daemon/usage/alertMonitor';
import { defaultAlertThresholds } from '../../daemon/usage/alertThresholds';
import { UsageLedger } from '../../daemon/usage/usageLedger';
import { RpcErrorCodes } from '../../protocol/errors';
import {
  AlertsListRequest,
  AlertsRaisedNotification,
  UsageExportFileRequest,
  UsageExportRequest,
  UsageQueryRequest,
  type AlertEvent,
  type UsageRow,
} from '../../protocol/usage';
import { makeRecord } from '../unit/daemon/usage/records';

/**
 * The usage handlers on a real DaemonServer and socket, called by the real DaemonClient and
 * by the `conduit usage` command code, as main.ts will wire them.
 */
describe('usage/* and alerts/* over the daemon protocol', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cdu-'));
  const layout = homeLayout(home);
  let ledger: UsageLedger;
  let alerts: AlertMonitor;
  let server: DaemonServer;
  let socketPath: string;
  const now = Date.now();

  beforeAll(async () => {
    ensurePrivateDir(home);
    const token = readOrCreateToken(layout.tokenFile);
    const address = socketAddress(layout.runDir, token);
    if (address.dir) ensurePrivateDir(address.dir);
    socketPath = address.path;
    ledger = UsageLedger.inHome(home);
    await ledger.open();
    alerts = new AlertMonitor({
      ledger,
      // The rows are minutes before the real clock, so just after local midnight they fall on two
      // days and the cost-spike rule finds a baseline day; that rule is tested with its own clock
      // (test/unit/daemon/usage). Here the point is the broadcast and the list.
      thresholds: () => ({
        ...defaultAlertThresholds,
        costSpike: { ...defaultAlertThresholds.costSpike, enabled: false },
      }),
      onEvent: (e) => server.broadcast(AlertsRaisedNotification.type, e),
    });
    server = new DaemonServer({
      token,
      maxMessageBytes: 8 * 1024 * 1024,
      handshakeTimeoutMs: 3000,
      maxConnections: 16,
      hello: () => ({ version: 'test', pid: process.pid, capabilities: [] }),
      chat: () => Promise.reject(new Error('not in this test')),
      status: () => ({}),
      stop: () => undefined,
      log: () => undefined,
      onIdleChange: () => undefined,
      extraHandlers: [usageHandlers({ ledger, alerts })],
    });
    await new Promise<void>((resolve) => server.server.listen(socketPath, resolve));

    const rows = [
      { feature: 'ask', costUsd: 0.5, startedAt: now - 3 * 60_000 },
      { feature: 'ask', costUsd: 0, costSavedUsd: 0.25, startedAt: now - 2 * 60_000, cache: 'exact' as const },
      { feature: 'explain', costUsd: 1, startedAt: now - 60_000, errorCode: 'rate_limited' as const, httpStatus: 429 },
      {
        feature: 'commit, "msg"',
        costUsd: 0.125,
        startedAt: now - 30_000,
        sample: { prompt: 'the prompt', response: 'the answer' },
      },
    ];
    for (const r of rows) expect(await ledger.record(makeRecord(r))).toEqual({ recorded: true });
  });

  afterAll(async () => {
    alerts.stop();
    await server.closeAll();
    await new Promise((r) => server.server.close(r));
    await ledger.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  const connect = () => DaemonClient.connect({ client: 'cli', home, autoStart: false });

  it('usage/query answers with typed groups and the ledger status', async () => {
    const client = await connect();
    try {
      const r = await client.connection.sendRequest(UsageQueryRequest.type, {
        since: now - 3_600_000,
        groupBy: 'feature',
      });
      expect(r.groups.map((g) => [g.key, g.requests])).toEqual([
        ['explain', 1],
        ['ask', 2],
        ['commit, "msg"', 1],
      ]);
      expect(r.total).toMatchObject({ requests: 4, costUsd: 1.625, cacheHits: 1, cacheSavedUsd: 0.25, errors: 1 });
      expect(r.errorsByCode).toEqual({ rate_limited: 1 });
      expect(r.ledger).toMatchObject({ state: 'ok', degraded: null, file: path.join(home, 'usage.db') });
    } finally {
      client.close();
    }
  });

  it('bad parameters get invalid_request, naming the field', async () => {
    const client = await connect();
    try {
      const err = await client.connection
        .sendRequest(UsageQueryRequest.type, { since: 'yesterday' } as never)
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: RpcErrorCodes.conduitError, data: { code: 'invalid_request' } });
      expect((err as Error).message).toMatch(/since/);
    } finally {
      client.close();
    }
  });

  it('usage/export pages through raw rows; samples only when asked', async () => {
    const client = await connect();
    try {
      const first = await client.connection.sendRequest(UsageExportRequest.type, { since: 0, limit: 3 });
      expect(first.rows).toHaveLength(3);
      expect(first.next).not.toBeNull();
      const second = await client.connection.sendRequest(UsageExportRequest.type, {
        since: 0,
        limit: 3,
        after: first.next!,
      });
      expect(second).toMatchObject({ next: null });
      expect(second.rows).toHaveLength(1);
      expect([...first.rows, ...second.rows].every((r) => r.sample === null)).toBe(true);
      const withSamples = await client.connection.sendRequest(UsageExportRequest.type, {
        since: 0,
        includeSamples: true,
      });
      expect(withSamples.rows.filter((r) => r.sample !== null).map((r) => r.sample)).toEqual([
        { prompt: 'the prompt', response: 'the answer' },
      ]);
    } finally {
      client.close();
    }
  });

  it('alerts: an evaluation broadcasts alerts/raised, and alerts/list shows it with the ledger status', async () => {
    const client = await connect();
    try {
      const received: AlertEvent[] = [];
      client.connection.onNotification(AlertsRaisedNotification.type, (e: AlertEvent) => {
        received.push(e);
      });
      await alerts.evaluate();
      // One connection delivers in order: the list's answer follows the evaluation's broadcasts,
      // so every notification it sent is in (and handled) once the answer is.
      const list = await client.connection.sendRequest(AlertsListRequest.type, {});
      expect(received.map((e) => `${e.type}:${e.alert.kind}`)).toEqual(['fired:rate_limited']);
      expect(list.active.map((a) => a.kind)).toEqual(['rate_limited']);
      expect(list.ledger.state).toBe('ok');
    } finally {
      client.close();
    }
  });

  it('refuses usage requests before the handshake and drops the connection', async () => {
    const socket = net.connect(socketPath);
    await new Promise((r) => socket.once('connect', r));
    const connection = createMessageConnection(new StreamMessageReader(socket), new StreamMessageWriter(socket));
    connection.listen();
    const err = await connection.sendRequest(UsageQueryRequest.type, { since: 0 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: RpcErrorCodes.unauthorized });
    await new Promise((r) => (socket.destroyed ? r(undefined) : socket.once('close', r)));
    connection.dispose();
  });

  it('`conduit usage` prints a table, JSON and CSV', async () => {
    const run = async (argv: string[]) => {
      const out = new PassThrough();
      let text = '';
      out.on('data', (d: Buffer) => {
        text += d.toString('utf8');
      });
      const code = await usageCommand(argv, { connect, stdout: out, stderr: new PassThrough() });
      return { code, text };
    };
    const table = await run(['--since', '1h', '--by', 'feature']);
    expect(table.code).toBe(0);
    expect(table.text).toMatch(/^feature\s+requests\s+errors/m);
    expect(table.text).toMatch(/^explain\s+1\s+1\s+.*\$1\.00/m);
    expect(table.text).toMatch(/^total\s+4\s+1/m);
    expect(table.text).toMatch(/Errors: rate_limited ×1 \(HTTP 429 ×1\)/);

    const json = JSON.parse((await run(['--since', '1h', '--json'])).text) as { total: { requests: number } };
    expect(json.total.requests).toBe(4);

    const csv = (await run(['--since', '1h', '--by', 'feature', '--csv'])).text.trim().split('\n');
    expect(csv[0]).toMatch(/^key,requests,errors,/);
    expect(csv).toContain(csv.find((l) => l.startsWith('"commit, ""msg""",1,')));
  });

  it('`conduit usage export --csv FILE` writes every raw row', async () => {
    const file = path.join(home, 'export.csv');
    const code = await usageCommand(['export', '--csv', file], {
      connect,
      stdout: new PassThrough(),
      stderr: new PassThrough(),
    });
    expect(code).toBe(0);
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    expect(lines[0]).toMatch(/^request_id,started_at,client,feature,/);
    expect(lines).toHaveLength(5);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(`${file}.partial`)).toBe(false);
    expect(fs.readFileSync(file, 'utf8')).not.toContain('the prompt');

    const jsonFile = path.join(home, 'export.json');
    await usageCommand(['export', '--json', jsonFile, '--samples'], {
      connect,
      stdout: new PassThrough(),
      stderr: new PassThrough(),
    });
    const rows = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as UsageRow[];
    expect(rows).toHaveLength(4);
    expect(rows.some((r) => r.sample?.prompt === 'the prompt')).toBe(true);
  });

  it('`usage export --csv FILE` is written by the daemon, byte for byte the pages `-` prints', async () => {
    const file = path.join(home, 'by-daemon.csv');
    const stderr = new PassThrough();
    let said = '';
    stderr.on('data', (d: Buffer) => (said += d.toString()));
    await usageCommand(['export', '--csv', file, '--samples'], { connect, stdout: new PassThrough(), stderr });
    expect(said).toBe(`Wrote 4 row(s) to ${file}.\n`);
    const stdout = new PassThrough();
    let printed = '';
    stdout.on('data', (d: Buffer) => (printed += d.toString()));
    await usageCommand(['export', '--csv', '-', '--samples'], { connect, stdout, stderr: new PassThrough() });
    expect(fs.readFileSync(file, 'utf8')).toBe(printed);
    expect(printed).toContain('the prompt');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);

    // A folder that is not there: a clear error, and no half file left behind.
    const missing = path.join(home, 'no-such-dir', 'x.csv');
    await expect(usageCommand(['export', '--csv', missing], { connect })).rejects.toThrow(
      /cannot write .*x\.csv\.partial: .*check that its folder exists/,
    );
    expect(fs.existsSync(path.dirname(missing))).toBe(false);
    // The daemon takes only absolute paths: its working directory is not the client's.
    const client = await connect();
    const relative = await client.connection
      .sendRequest(UsageExportFileRequest.type, { file: 'rel.csv', since: 0 })
      .catch((e: unknown) => e);
    client.close();
    expect(String((relative as Error).message)).toMatch(/not an absolute path/);
  });

  it('`conduit usage` rejects bad flags with a usage error', async () => {
    await expect(usageCommand(['--by', 'week'], { connect })).rejects.toThrow(/--by must be one of/);
    await expect(usageCommand(['--since', 'last tuesday'], { connect })).rejects.toThrow(/is not a time/);
    await expect(usageCommand(['export'], { connect })).rejects.toThrow(/--csv FILE/);
  });
});
