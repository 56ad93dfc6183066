/**
 * The usage & cost panel's browser entry. Only the components used are imported, so the bundle
 * carries those and nothing else; everything is bundled (nothing is fetched at run time).
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import { PanelApp } from './app';
import { vscodeApi } from './vscodeApi';

const root = document.getElementById('root');
if (root) new PanelApp(vscodeApi(), root).start();
