import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What the fake's token endpoint has seen and issued. */
export interface GoogleTokenState {
  /** Access tokens handed out; Vertex routes accept only these. */
  issued: Set<string>;
  /** The subject tokens presented, in order (what the credentials file pointed at). */
  subjectTokens: string[];
}

/**
 * Google's Security Token Service exchange (`token_url` of an `external_account` credentials
 * file), so that google-auth-library's real Application Default Credentials flow runs against
 * the fake: GOOGLE_APPLICATION_CREDENTIALS → the file → a subject token → POST here → an access
 * token that the Vertex routes then require.
 */
export function handleGoogleToken(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  raw: Buffer,
  state: GoogleTokenState,
): boolean {
  if (req.method !== 'POST' || url.pathname !== '/v1/token') return false;
  const form = new URLSearchParams(raw.toString('utf8'));
  const subject = form.get('subject_token');
  res.setHeader('content-type', 'application/json');
  if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:token-exchange' || !subject) {
    res.writeHead(400);
    res.end(
      JSON.stringify({
        error: 'invalid_request',
        error_description: 'Invalid value for "grant_type" or a missing subject_token.',
      }),
    );
    return true;
  }
  state.subjectTokens.push(subject);
  const token = `ya29.fake-${randomBytes(12).toString('hex')}`;
  state.issued.add(token);
  res.writeHead(200);
  res.end(
    JSON.stringify({
      access_token: token,
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      token_type: 'Bearer',
      expires_in: 3600,
    }),
  );
  return true;
}
