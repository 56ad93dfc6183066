/**
 * The usage & cost panel's browser entry. The controls are plain <select>s and <button>s in the
 * theme's colours (panel.css): no custom elements to define and upgrade before the first paint.
 */
import { PanelApp } from './app';
import { embeddedSnapshot } from './firstSnapshot';
import { vscodeApi } from './vscodeApi';

const root = document.getElementById('root');
if (root) new PanelApp(vscodeApi(), root, embeddedSnapshot(document)).start();
