// Which members are in which room: a Map of Sets, the shape every chat server starts with.
// Whoever adds to a map must also take out, or the map only ever grows.

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

  // #region leave
  /** Removes `member` from `room`. Returns false if it was not in. A room left empty is deleted. */
  leave(room: string, member: M): boolean {
    const members = this.#rooms.get(room);
    if (!members?.delete(member)) return false;
    if (members.size === 0) this.#rooms.delete(room);
    return true;
  }
  // #endregion leave

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
