// Who is connected and who is in which room. Pure bookkeeping, no sockets: a connection is any
// object with a `userId`, so tests can use plain objects.
//
// The seed tutorial keeps `Map<userId, socket>`: a user's second tab overwrites the first, and
// closing either tab deletes the entry for both. A user owns a *set* of connections.

export interface Member {
  readonly userId: number;
}

export interface RegistryStats {
  connections: number;
  users: number;
  rooms: number;
}

const NONE: ReadonlySet<never> = new Set();

export class ConnectionRegistry<C extends Member> {
  // #region maps
  private readonly byUser = new Map<number, Set<C>>();
  private readonly byRoom = new Map<string, Set<C>>();
  private readonly roomsOfConnection = new Map<C, Set<string>>();
  // #endregion maps

  // #region add-remove
  add(conn: C): void {
    if (this.roomsOfConnection.has(conn)) return;
    this.roomsOfConnection.set(conn, new Set());
    let tabs = this.byUser.get(conn.userId);
    if (!tabs) {
      tabs = new Set();
      this.byUser.set(conn.userId, tabs);
    }
    tabs.add(conn);
  }

  /** Forgets a connection: leaves every room it was in. Empty sets are deleted. Idempotent. */
  remove(conn: C): void {
    const rooms = this.roomsOfConnection.get(conn);
    if (!rooms) return;
    for (const room of rooms) this.leave(conn, room);
    this.roomsOfConnection.delete(conn);
    const tabs = this.byUser.get(conn.userId);
    tabs?.delete(conn);
    if (tabs?.size === 0) this.byUser.delete(conn.userId);
  }
  // #endregion add-remove

  // #region join-leave
  /** True if `conn` was not in `room` before. */
  join(conn: C, room: string): boolean {
    const rooms = this.roomsOfConnection.get(conn);
    if (!rooms) throw new Error('join() on a connection that was not added');
    if (rooms.has(room)) return false;
    rooms.add(room);
    let members = this.byRoom.get(room);
    if (!members) {
      members = new Set();
      this.byRoom.set(room, members);
    }
    members.add(conn);
    return true;
  }

  /** True if `conn` was in `room`. An empty room is deleted, so rooms do not pile up. */
  leave(conn: C, room: string): boolean {
    const rooms = this.roomsOfConnection.get(conn);
    if (!rooms?.delete(room)) return false;
    const members = this.byRoom.get(room)!;
    members.delete(conn);
    if (members.size === 0) this.byRoom.delete(room);
    return true;
  }
  // #endregion join-leave

  isMember(conn: C, room: string): boolean {
    return this.roomsOfConnection.get(conn)?.has(room) ?? false;
  }

  members(room: string): ReadonlySet<C> {
    return this.byRoom.get(room) ?? NONE;
  }

  /** Every open connection of one user (one per tab or device). */
  connectionsOf(userId: number): ReadonlySet<C> {
    return this.byUser.get(userId) ?? NONE;
  }

  roomsOf(conn: C): ReadonlySet<string> {
    return this.roomsOfConnection.get(conn) ?? NONE;
  }

  all(): IterableIterator<C> {
    return this.roomsOfConnection.keys();
  }

  stats(): RegistryStats {
    return { connections: this.roomsOfConnection.size, users: this.byUser.size, rooms: this.byRoom.size };
  }
}
