/** Types for jsonrpcCryptoOnUse.mjs (plain JS so esbuild.mjs runs without a build). */
import type { Plugin } from 'esbuild';
export const jsonrpcCryptoOnUse: Plugin;
