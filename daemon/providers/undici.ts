// undici is CommonJS: imported statically here, and this module dynamically by httpFetch.ts, so
// its named exports survive in the daemon's ESM chunks (a CommonJS package's dynamic import
// would only have `default`).
export { Agent, fetch, interceptors } from 'undici';
export { isPlainRequest, requestFetch } from './requestFetch';
