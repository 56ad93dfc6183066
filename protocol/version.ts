/**
 * Bumped whenever a message changes shape. A client that sees a different version in the
 * `daemon/hello` answer restarts the daemon (once its in-flight work is done) rather than
 * talking a dialect it does not understand.
 */
export const PROTOCOL_VERSION = 1;

/** The product version, reported by the daemon in its hello and status answers. */
export const CONDUIT_VERSION = '0.1.0';
