/**
 * Which level of the `conduit.*` settings the shared daemon follows. Pure: it is given VS Code's
 * `inspect()`, so it runs without VS Code.
 *
 * The policy: one daemon serves every window, so its configuration comes from the user's settings
 * only, which are the same in every window of a profile; a window can then never overwrite another
 * window's configuration with its workspace's. The exception is the provider, which every request
 * names: a workspace may set it, and it steers that window's own requests. Any other workspace
 * value is not sent, and the window says so.
 */

/** The levels of one setting, as `WorkspaceConfiguration.inspect()` gives them. */
export interface ScopedValue {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/** Settings a request carries itself, so a workspace value applies to that window's requests. */
export const PER_WINDOW_SETTINGS: readonly string[] = ['provider'];

export interface UserLevel {
  /** The user's value of a setting, or undefined when left at its default. */
  read: (key: string) => unknown;
  /** Settings this workspace sets to something else than the user does, which the daemon does not take. */
  workspaceOnly: string[];
}

export function userLevelSettings(
  inspect: (key: string) => ScopedValue | undefined,
  keys: readonly string[],
): UserLevel {
  const workspaceOnly: string[] = [];
  for (const key of keys) {
    if (PER_WINDOW_SETTINGS.includes(key)) continue;
    const levels = inspect(key);
    const local = levels?.workspaceFolderValue ?? levels?.workspaceValue;
    if (local !== undefined && JSON.stringify(local) !== JSON.stringify(levels?.globalValue))
      workspaceOnly.push(`conduit.${key}`);
  }
  return { read: (key) => inspect(key)?.globalValue, workspaceOnly };
}
