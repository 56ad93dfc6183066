/** Types for undiciHttp2OnUse.mjs (plain JS so esbuild.mjs runs without a build). */
import type { Plugin } from 'esbuild';
export const undiciHttp2OnUse: Plugin;
