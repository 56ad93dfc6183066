/**
 * A new request id in the form of a version 4 UUID. It names a request in the ledger and in
 * ratings, so it must be unique, but it grants nothing, so it need not be unguessable: 122 bits of
 * Math.random (V8 seeds it from the OS) rather than node:crypto, which a warm `conduit ask` would
 * load (17 modules, a tenth of Node's own start) for this one id.
 */
export function newRequestId(): string {
  const hex: string[] = [];
  for (let i = 0; i < 4; i++)
    hex.push(
      Math.floor(Math.random() * 0x1_0000_0000)
        .toString(16)
        .padStart(8, '0'),
    );
  const h = hex.join('');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
