import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface GoogleAdcFiles {
  /** For GOOGLE_APPLICATION_CREDENTIALS. */
  credentialsFile: string;
  /** The subject token the credentials point at; the fake's token endpoint sees it. */
  subjectToken: string;
  dir: string;
}

/**
 * Application Default Credentials that lead to the fake: an `external_account` (workload
 * identity federation) credentials file whose `token_url` is the fake's token exchange and whose
 * subject token is a local file. google-auth-library reads GOOGLE_APPLICATION_CREDENTIALS, posts
 * the exchange and sends the access token it gets, exactly as with real federated credentials.
 * (A service-account key file cannot be used: google-auth-library 10 posts its JWT to Google's
 * fixed token URL, whatever the file's token_uri says.)
 */
export function writeGoogleAdc(tokenURL: string): GoogleAdcFiles {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conduit-adc-'));
  const subjectToken = `fake-oidc-subject-${process.pid}-${Date.now()}`;
  const subjectFile = path.join(dir, 'subject-token');
  fs.writeFileSync(subjectFile, subjectToken, { mode: 0o600 });
  const credentialsFile = path.join(dir, 'credentials.json');
  fs.writeFileSync(
    credentialsFile,
    JSON.stringify({
      type: 'external_account',
      audience:
        '//iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/fake-pool/providers/fake-provider',
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      token_url: tokenURL,
      credential_source: { file: subjectFile },
    }),
    { mode: 0o600 },
  );
  return { credentialsFile, subjectToken, dir };
}
