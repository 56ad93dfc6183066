// undici's WHATWG fetch, for what requestFetch does not send (a Request, a stream or form body):
// about 330 kB of undici's code that a plain request never needs, so it loads on first use.
export { fetch } from 'undici/lib/web/fetch/index.js';
