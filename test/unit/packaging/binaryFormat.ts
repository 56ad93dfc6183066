/** What a native binary was built for, read from its header: ELF, Mach-O (thin or fat) or PE. */
export interface BinaryFormat {
  os: 'linux' | 'darwin' | 'win32';
  /** Every architecture inside (a fat Mach-O holds several). */
  archs: Array<'x64' | 'arm64' | 'other'>;
  /** ELF only: the C library it links against, from the names in its dynamic section. */
  libc?: 'glibc' | 'musl' | 'unknown';
}

const ELF_MACHINE: Record<number, 'x64' | 'arm64'> = { 0x3e: 'x64', 0xb7: 'arm64' };
const MACHO_CPU: Record<number, 'x64' | 'arm64'> = { 0x01000007: 'x64', 0x0100000c: 'arm64' };
const PE_MACHINE: Record<number, 'x64' | 'arm64'> = { 0x8664: 'x64', 0xaa64: 'arm64' };

/** undefined when `bytes` is not an executable format (text, JSON, a licence). */
export function binaryFormat(bytes: Buffer): BinaryFormat | undefined {
  if (bytes.length < 64) return undefined;
  if (bytes.readUInt32BE(0) === 0x7f454c46) {
    // e_machine at 18, little-endian (EI_DATA = 1 on both targets).
    const text = bytes.toString('latin1');
    // glibc's soname is libc.so.6; musl's is libc.musl-<arch>.so.1, or plain libc.so as Rust's musl targets link it.
    const libc = text.includes('libc.so.6\0')
      ? 'glibc'
      : text.includes('libc.musl-') || text.includes('libc.so\0')
        ? 'musl'
        : 'unknown';
    return { os: 'linux', archs: [ELF_MACHINE[bytes.readUInt16LE(18)] ?? 'other'], libc };
  }
  const le = bytes.readUInt32LE(0);
  if (le === 0xfeedfacf || le === 0xfeedface)
    return { os: 'darwin', archs: [MACHO_CPU[bytes.readUInt32LE(4)] ?? 'other'] };
  const be = bytes.readUInt32BE(0);
  if (be === 0xcafebabe || be === 0xcafebabf) {
    // fat_header, big-endian: nfat_arch, then fat_arch entries of 20 bytes (32 for fat64), cputype first.
    const n = bytes.readUInt32BE(4);
    const size = be === 0xcafebabf ? 32 : 20;
    const archs = Array.from(
      { length: n },
      (_, i) => MACHO_CPU[bytes.readUInt32BE(8 + i * size)] ?? ('other' as const),
    );
    return { os: 'darwin', archs };
  }
  if (bytes.readUInt16LE(0) === 0x5a4d) {
    const pe = bytes.readUInt32LE(0x3c);
    if (pe + 6 > bytes.length || bytes.readUInt32BE(pe) !== 0x50450000) return undefined;
    return { os: 'win32', archs: [PE_MACHINE[bytes.readUInt16LE(pe + 4)] ?? 'other'] };
  }
  return undefined;
}
