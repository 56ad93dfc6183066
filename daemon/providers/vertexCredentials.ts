/** What to do when Google Application Default Credentials are missing, for both Vertex providers. */
export const GOOGLE_ADC_HELP =
  'Run `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS to a credentials file; then `conduit stop` so the daemon restarts with them.';

/** google-auth-library's words when the ADC chain found nothing, or a credentials file it could not use. */
export function isMissingGoogleCredentials(message: string): boolean {
  return /default credentials|GOOGLE_APPLICATION_CREDENTIALS|Google OAuth credentials|unable to (?:read|parse) (?:the )?credential/i.test(
    message,
  );
}
