import { createHash, createHmac } from 'node:crypto';
import type { RecordedRequest } from './recording';

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');

/** RFC 3986 encoding, as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
const encode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * Recomputes an AWS Signature Version 4 from what arrived on the wire, written out from AWS's
 * specification with node:crypto (independently of the SDK's signer), and says whether the
 * request's signature matches. For services other than S3 the path is encoded once more.
 */
export function verifySigV4(rec: RecordedRequest, secretAccessKey: string): { ok: boolean; why?: string } {
  const auth = rec.headers.authorization ?? '';
  const m =
    /^AWS4-HMAC-SHA256 Credential=[^/]+\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(
      auth,
    );
  if (!m) return { ok: false, why: 'no SigV4 Authorization header' };
  const [, date = '', region = '', service = '', signed = '', signature = ''] = m;
  const amzDate = rec.headers['x-amz-date'];
  if (!amzDate?.startsWith(date)) return { ok: false, why: 'x-amz-date missing or not the credential date' };
  const signedHeaders = signed.split(';');
  const canonicalHeaders = signedHeaders
    .map((h) => `${h}:${(rec.headers[h] ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const fullPath = `${rec.prefix}${rec.path}`;
  const canonicalUri = fullPath
    .split('/')
    .map((segment) => encode(segment))
    .join('/');
  const canonicalQuery = Object.entries(rec.query)
    .map(([k, v]) => [encode(k), encode(v)])
    .sort(([a = ''], [b = '']) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const payloadHash = rec.headers['x-amz-content-sha256'] ?? rec.bodySha256 ?? '';
  if (rec.bodySha256 !== undefined && payloadHash !== rec.bodySha256)
    return { ok: false, why: 'x-amz-content-sha256 is not the hash of the body that arrived' };
  const canonicalRequest = [rec.method, canonicalUri, canonicalQuery, canonicalHeaders, signed, payloadHash].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), 'aws4_request');
  const expected = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  return expected === signature
    ? { ok: true }
    : { ok: false, why: 'the signature does not match the request as it arrived' };
}
