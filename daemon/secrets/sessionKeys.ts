import type { ProviderId } from '../../protocol';

/** What the registry holds: never written anywhere, so a plain Map is the whole store. */
type Slot = Map<number, string>;

const slotName = (profile: string, provider: ProviderId) => `${profile}\u0000${provider}`;

/**
 * How many profile/provider keys one connection may hold at once. A window hands over a key per
 * provider of its profile; the profile name is the client's own, so without a bound one
 * connection could fill the table with made-up profiles. The connections are bounded by the
 * daemon's socket (1,024), so the table is too.
 */
export const MAX_KEYS_PER_CONNECTION = 64;

/**
 * Keys handed over by VS Code windows from their SecretStorage (`keys/provide`), for machines
 * where the daemon cannot reach an OS keychain. Each key is tied to the connection that provided
 * it and lives only in this process's memory: when the last connection that provided a
 * provider's key closes, the key is gone. Nothing here is persisted, logged or traced.
 */
export class SessionKeys {
  /** Per profile and provider, the keys by connection id, in the order they were provided. */
  private readonly slots = new Map<string, Slot>();

  constructor(private readonly onKey: (key: string) => void = () => undefined) {}

  /**
   * Records (or, with `null`, withdraws) one connection's key; the latest provided wins. False,
   * with nothing recorded, when it would be the connection's key past MAX_KEYS_PER_CONNECTION.
   */
  provide(connection: number, profile: string, provider: ProviderId, key: string | null): boolean {
    const name = slotName(profile, provider);
    const slot = this.slots.get(name) ?? new Map<number, string>();
    if (key !== null && !slot.has(connection) && this.heldBy(connection) >= MAX_KEYS_PER_CONNECTION) return false;
    slot.delete(connection);
    if (key !== null) {
      this.onKey(key);
      slot.set(connection, key);
    }
    if (slot.size > 0) this.slots.set(name, slot);
    else this.slots.delete(name);
    return true;
  }

  private heldBy(connection: number): number {
    let held = 0;
    for (const slot of this.slots.values()) if (slot.has(connection)) held++;
    return held;
  }

  /** The key the next request uses: the one provided most recently by a connection still open. */
  get(profile: string, provider: ProviderId): string | undefined {
    const slot = this.slots.get(slotName(profile, provider));
    if (!slot) return undefined;
    let last: string | undefined;
    for (const key of slot.values()) last = key;
    return last;
  }

  /** A connection closed: every key it provided is forgotten. Returns how many were dropped. */
  forgetConnection(connection: number): number {
    let dropped = 0;
    for (const [name, slot] of this.slots) {
      if (slot.delete(connection)) dropped++;
      if (slot.size === 0) this.slots.delete(name);
    }
    return dropped;
  }

  /** How many provider keys are held now, for status and tests; never the keys. */
  get size(): number {
    return this.slots.size;
  }
}
