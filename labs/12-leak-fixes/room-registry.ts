// Which members are in which room: a Map of Sets, the shape every chat server starts with.

export class RoomRegistry<M> {
  readonly #rooms = new Map<string, Set<M>>();

  /** Adds `member` to `room`, creating the room on first use. Returns false if it was already in. */
  join(room: string, member: M): boolean {
    let members = this.#rooms.get(room);
    if (!members) {
      members = new Set();
      this.#rooms.set(room, members);
    }
    if (members.has(member)) return false;
    members.add(member);
    return true;
  }

  /** Removes `member` from `room`. Returns false if it was not in. */
  leave(room: string, member: M): boolean {
    const members = this.#rooms.get(room);
    if (!members?.delete(member)) return false;
    // 🐨 LEAK 2: the member is gone, but the room's (now empty) Set stays in the map forever.
    //    Delete the room from `this.#rooms` when its last member leaves.
    return true;
  }

  has(room: string, member: M): boolean {
    return this.#rooms.get(room)?.has(member) ?? false;
  }

  members(room: string): ReadonlySet<M> {
    return this.#rooms.get(room) ?? new Set();
  }

  /** How many rooms the map holds (the real map size, empty rooms included). */
  get size(): number {
    return this.#rooms.size;
  }

  /** How many memberships there are across every room. */
  get memberships(): number {
    let n = 0;
    for (const members of this.#rooms.values()) n += members.size;
    return n;
  }
}
