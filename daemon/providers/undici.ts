// undici's own files rather than its index: the index evaluates all of undici (its WHATWG fetch,
// mocks, caches, WebSocket, EventSource), about 535 kB that took ~68 ms of CPU on a cold ask's
// path, against ~28 ms for the connection pool, the request API and the redirect interceptor,
// which are all that a plain request uses. undici's fetch loads on first use (undiciFetch.ts).
// undici is CommonJS: imported statically here, and this module dynamically by httpFetch.ts, so
// the named exports survive in the daemon's ESM chunks.
import Agent from 'undici/lib/dispatcher/agent.js';
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import api from 'undici/lib/api/index.js';
import redirect from 'undici/lib/interceptor/redirect.js';

// What undici's index does: `request` and the rest of its API on every dispatcher.
Object.assign(Dispatcher.prototype, api);

export { Agent };
export const interceptors = { redirect };
export { isPlainRequest, requestFetch } from './requestFetch';
