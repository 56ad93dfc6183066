/** The lifecycle of the window's connection to the daemon, as the status bar and commands see it. */
export enum DaemonState {
  /** Connecting, or starting the daemon and then connecting. */
  Starting = 'starting',
  Running = 'running',
  /** A deliberate stop (Restart Daemon, window closing): a close now is not a crash. */
  Stopping = 'stopping',
  /** Not connected: before first use, or after the restart budget ran out. */
  Stopped = 'stopped',
}
