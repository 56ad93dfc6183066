import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { codeServerEntry, e2eDir, node24Bin } from './tools';

export interface CodeServerOptions {
  name: string;
  port: number;
  /** Environment for the server, and so for its extension host and the daemon it starts. */
  env: NodeJS.ProcessEnv;
  vsix?: string;
  extraArgs?: string[];
  /** Files to create in the workspace folder. */
  files?: Record<string, string>;
}

/**
 * A real VS Code: code-server (VS Code's server and web workbench) on 127.0.0.1, no auth, with
 * fresh user-data, extensions and workspace folders, in its own process group.
 */
export class CodeServer {
  readonly dir: string;
  readonly workspace: string;
  readonly userData: string;
  readonly url: string;
  private pgid: number | undefined;

  private constructor(private readonly opts: CodeServerOptions) {
    this.dir = path.join(e2eDir, 'run', opts.name);
    this.workspace = path.join(this.dir, 'ws');
    this.userData = path.join(this.dir, 'ud');
    this.url = `http://127.0.0.1:${opts.port}/`;
  }

  static async start(opts: CodeServerOptions): Promise<CodeServer> {
    const cs = new CodeServer(opts);
    await cs.boot();
    return cs;
  }

  private baseEnv(): NodeJS.ProcessEnv {
    const home = path.join(e2eDir, 'home');
    fs.mkdirSync(home, { recursive: true });
    return {
      ...this.opts.env,
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_DATA_HOME: path.join(home, '.local/share'),
      TMPDIR: path.join(e2eDir, 'tmp'),
      PATH: `${node24Bin}:${this.opts.env.PATH ?? process.env.PATH ?? ''}`,
    };
  }

  private common(): string[] {
    return [
      '--config',
      path.join(this.dir, 'config.yaml'),
      '--user-data-dir',
      this.userData,
      '--extensions-dir',
      path.join(this.dir, 'ext'),
    ];
  }

  private async boot(): Promise<void> {
    fs.rmSync(this.dir, { recursive: true, force: true });
    fs.mkdirSync(this.workspace, { recursive: true });
    fs.mkdirSync(path.join(e2eDir, 'tmp'), { recursive: true });
    fs.mkdirSync(path.join(this.userData, 'User'), { recursive: true });
    // No welcome page, no trust prompt, no telemetry notice in the way of the palette.
    fs.writeFileSync(
      path.join(this.userData, 'User', 'settings.json'),
      JSON.stringify(
        {
          'workbench.startupEditor': 'none',
          'security.workspace.trust.enabled': false,
          'telemetry.telemetryLevel': 'off',
          'workbench.tips.enabled': false,
          'extensions.autoCheckUpdates': false,
          'extensions.autoUpdate': false,
        },
        null,
        2,
      ),
    );
    for (const [name, text] of Object.entries(this.opts.files ?? {}))
      fs.writeFileSync(path.join(this.workspace, name), text);
    fs.writeFileSync(
      path.join(this.dir, 'config.yaml'),
      `bind-addr: 127.0.0.1:${this.opts.port}\nauth: none\ncert: false\n`,
    );
    const node = path.join(node24Bin, 'node');
    if (this.opts.vsix) {
      execFileSync(node, [codeServerEntry, ...this.common(), '--install-extension', this.opts.vsix], {
        env: this.baseEnv(),
        stdio: 'pipe',
        timeout: 120_000,
      });
    }
    const log = fs.openSync(path.join(this.dir, 'server.log'), 'w');
    const child = spawn(
      node,
      [
        codeServerEntry,
        ...this.common(),
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
        '--reconnection-grace-time',
        '10',
        ...(this.opts.extraArgs ?? []),
        this.workspace,
      ],
      {
        env: this.baseEnv(),
        detached: true, // its own process group: stop() takes the extension hosts with it
        stdio: ['ignore', log, log],
      },
    );
    fs.closeSync(log);
    child.unref();
    this.pgid = child.pid;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const ok = await fetch(`${this.url}healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`code-server ${this.opts.name} did not come up:\n${this.serverLog()}`);
  }

  serverLog(): string {
    try {
      return fs.readFileSync(path.join(this.dir, 'server.log'), 'utf8').slice(-4000);
    } catch {
      return '';
    }
  }

  userSettings(): Record<string, unknown> {
    return JSON.parse(fs.readFileSync(path.join(this.userData, 'User', 'settings.json'), 'utf8')) as Record<
      string,
      unknown
    >;
  }

  async stop(): Promise<void> {
    if (this.pgid === undefined) return;
    const pgid = this.pgid;
    this.pgid = undefined;
    try {
      process.kill(-pgid, 'SIGTERM');
    } catch {
      return;
    }
    for (let i = 0; i < 40; i++) {
      await new Promise((r) => setTimeout(r, 100));
      try {
        process.kill(-pgid, 0);
      } catch {
        return;
      }
    }
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}
