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
  private readonly byUser = new Map<number, Set<C>>();
  private readonly byRoom = new Map<string, Set<C>>();
  private readonly roomsOfConnection = new Map<C, Set<string>>();

  add(conn: C): void {
    // TODO: the connection becomes known, in no room yet, and findable through its user. Contract:
    //       adding it twice changes nothing. Trap: a user's second tab sits next to the first one.
    throw new Error('Not implemented yet: ConnectionRegistry.add (labs/07-websocket-server/registry.ts)');
  }

  /** Forgets a connection: leaves every room it was in. Empty sets are deleted. Idempotent. */
  remove(conn: C): void {
    // TODO: after this, no map mentions the connection. Contract: idempotent (an unknown connection
    //       is fine). Trap: an empty room or an empty set of a user's connections left behind is a
    //       leak too; reuse what leave() already does for rooms.
    throw new Error('Not implemented yet: ConnectionRegistry.remove (labs/07-websocket-server/registry.ts)');
  }

  /** True if `conn` was not in `room` before. */
  join(conn: C, room: string): boolean {
    // TODO: membership is kept in two directions (room -> members for broadcasts, connection -> rooms
    //       for remove), and the two must always agree. Contract: the return value says whether
    //       anything changed.
    throw new Error('Not implemented yet: ConnectionRegistry.join (labs/07-websocket-server/registry.ts)');
  }

  /** True if `conn` was in `room`. An empty room is deleted, so rooms do not pile up. */
  leave(conn: C, room: string): boolean {
    // TODO: the reverse of join, in both directions. Contract: the return value says whether the
    //       connection was a member. Trap: the last member leaving must take the room with it.
    throw new Error('Not implemented yet: ConnectionRegistry.leave (labs/07-websocket-server/registry.ts)');
  }

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
