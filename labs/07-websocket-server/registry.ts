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
    // TODO: already known -> return. Else give it an empty set of rooms in this.roomsOfConnection.
    // TODO: add it to the user's set in this.byUser (create the set for a user's first connection).
    throw new Error('Not implemented yet: ConnectionRegistry.add (labs/07-websocket-server/registry.ts)');
  }

  /** Forgets a connection: leaves every room it was in. Empty sets are deleted. Idempotent. */
  remove(conn: C): void {
    // TODO: unknown connection -> return (idempotent).
    // TODO: leave() every room it is in, then delete it from this.roomsOfConnection.
    // TODO: delete it from its user's set; delete the user's entry when the set is empty.
    throw new Error('Not implemented yet: ConnectionRegistry.remove (labs/07-websocket-server/registry.ts)');
  }

  /** True if `conn` was not in `room` before. */
  join(conn: C, room: string): boolean {
    // TODO: already a member -> false. Else record the room in the connection's set of rooms
    //       and the connection in this.byRoom (create the room's set on first join); return true.
    throw new Error('Not implemented yet: ConnectionRegistry.join (labs/07-websocket-server/registry.ts)');
  }

  /** True if `conn` was in `room`. An empty room is deleted, so rooms do not pile up. */
  leave(conn: C, room: string): boolean {
    // TODO: not a member -> false. Else delete the room from the connection's rooms and the
    //       connection from the room's members; delete the room itself once it is empty. Return true.
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
