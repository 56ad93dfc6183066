import type { FromWebview, PanelWebviewState } from '../protocol/webview';

/** What VS Code gives a webview's page; a test page provides the same function. */
export interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): PanelWebviewState | undefined;
  setState(state: PanelWebviewState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

let api: VsCodeApi | undefined;

/** acquireVsCodeApi may be called only once per page. */
export function vscodeApi(): VsCodeApi {
  api ??= acquireVsCodeApi();
  return api;
}
