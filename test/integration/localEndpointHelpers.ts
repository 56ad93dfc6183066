import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import type { DaemonHarness } from './harness';
import { UsageExportRequest, type UsageRow } from '../../protocol/usage';

/** A port nothing listens on right now (bound and released by the OS). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** The endpoint token the daemon created under CONDUIT_HOME. */
export function endpointToken(h: DaemonHarness): string {
  return fs.readFileSync(path.join(h.home, 'endpoint-token'), 'utf8').trim();
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: () => unknown;
}

/** A request with exactly these headers (Host and Origin included, which fetch would not send as given). */
export function rawRequest(
  port: number,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: opts.method ?? 'POST',
        path: opts.path,
        headers: { host: `127.0.0.1:${port}`, ...opts.headers },
        agent: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => {
          text += d;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as unknown }),
        );
        res.on('error', reject);
      },
    );
    // An oversized upload may be cut off by the server after its 413: the answer still arrives.
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Connecting to the port: 'refused' when nothing listens. */
export function probePort(port: number): Promise<'open' | 'refused'> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('open');
    });
    socket.once('error', (err: NodeJS.ErrnoException) =>
      err.code === 'ECONNREFUSED' ? resolve('refused') : reject(err),
    );
  });
}

/** Every ledger row, through the daemon's usage/export. */
export async function ledgerRows(h: DaemonHarness): Promise<UsageRow[]> {
  const client = await h.connect(false);
  try {
    return (await client.connection.sendRequest(UsageExportRequest.type, { since: 0, limit: 1000 })).rows;
  } finally {
    client.close();
  }
}

/** Writes config.json before the daemon starts. */
export function writeConfig(h: DaemonHarness, config: unknown): void {
  fs.writeFileSync(path.join(h.home, 'config.json'), JSON.stringify(config, null, 2));
}
