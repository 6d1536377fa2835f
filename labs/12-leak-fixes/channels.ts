// Every Redis channel name this server uses, built in one place. The prefix keeps two servers
// (or two test files) that share one Redis from hearing each other.

/** `wb:…:chat:room:lobby`: the channel that carries a room's events. */
export const roomChannel = (prefix: string, room: string): string => `${prefix}chat:room:${room}`;

/** Matches every room channel under `prefix` (for `PUBSUB CHANNELS`). */
export const roomChannelPattern = (prefix: string): string => `${prefix}chat:room:*`;
