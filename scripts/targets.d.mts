/** Types for targets.mjs (plain JS so the packaging script runs without a build). */
export interface Target {
  id: string;
  os: 'win32' | 'darwin' | 'linux';
  arch: 'x64' | 'arm64';
  libc?: 'glibc' | 'musl';
  keyring: string;
  usearch: string | null;
}
export interface NativePackage {
  name: string;
  dir: string;
  version: string;
  root?: boolean;
  fromNpm?: boolean;
  files: string[];
}
export const TARGETS: Target[];
export function hostTarget(): string;
export function nativePackages(target: Target): NativePackage[];
export function expectedBinaries(target: Target): string[];
