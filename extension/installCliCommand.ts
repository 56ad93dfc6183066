import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { addToUserPath, planShim, refreshShim, writeShim, type ShimPlan } from './cliShim';

function plan(context: vscode.ExtensionContext): ShimPlan {
  return planShim({
    platform: process.platform,
    env: process.env,
    homedir: os.homedir(),
    execPath: process.execPath,
    cliJs: path.join(context.extensionPath, 'dist', 'cli.js'),
  });
}

/** "Conduit: Install Command Line Tool": a `conduit` on PATH that runs this extension's CLI with VS Code's runtime. */
export async function installCliCommand(context: vscode.ExtensionContext): Promise<void> {
  const shim = plan(context);
  try {
    writeShim(shim);
  } catch (err) {
    void vscode.window.showErrorMessage(
      `Conduit: could not install the command line tool: ${err instanceof Error ? err.message : String(err)}`,
    );
    return;
  }
  if (shim.onPath) {
    void vscode.window.showInformationMessage(
      `Conduit: installed ${shim.file}. Run \`conduit status\` in a new terminal.`,
    );
    return;
  }
  if (process.platform === 'win32') {
    try {
      addToUserPath(shim.dir);
      void vscode.window.showInformationMessage(
        `Conduit: installed ${shim.file} and added ${shim.dir} to your user PATH. Open a new terminal (or restart VS Code) and run \`conduit status\`.`,
      );
    } catch (err) {
      void vscode.window.showWarningMessage(
        `Conduit: installed ${shim.file}, but could not add ${shim.dir} to your PATH (${err instanceof Error ? err.message : String(err)}). Add it in Settings → System → About → Advanced system settings → Environment Variables.`,
      );
    }
    return;
  }
  void vscode.window.showWarningMessage(
    `Conduit: installed ${shim.file}, but ${shim.dir} is not on your PATH. Add \`export PATH="${shim.dir}:$PATH"\` to your shell's profile (~/.profile, ~/.zshrc), then open a new terminal.`,
  );
}

/** After an update the extension sits in a new folder; a shim installed earlier is pointed there, off the activation path. */
export function refreshCliShimSoon(context: vscode.ExtensionContext, log: (msg: string) => void): vscode.Disposable {
  const timer = setTimeout(() => {
    try {
      if (refreshShim(plan(context))) log('conduit CLI shim now points at this version of the extension');
    } catch (err) {
      log(`could not refresh the conduit CLI shim: ${err instanceof Error ? err.message : String(err)}`);
    }
  }, 5000);
  return { dispose: () => clearTimeout(timer) };
}
