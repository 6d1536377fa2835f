// The lossless relay: every stream is a capped Redis Stream (XADD MAXLEN ~ + a TTL), its entry ids
// are the offsets clients resume from, and an epoch key tells one life of the history from the
// next. Live delivery still rides on pub/sub (one channel per stream), but pub/sub is only the
// doorbell: every live message names the entry before it, so an instance that missed one (its
// subscriber connection dropped, Redis restarted) notices the gap and reads the history instead.
//
//   publish ──EVAL──▶ Redis: SET epoch, XADD log MAXLEN ~, PEXPIRE, PUBLISH live [epoch,id,prev,…]
//                                                               │ one script: the order of the
//   instance ◀── live channel ─────────────────────────────────┘ log is the order of the channel
//     per stream, one step at a time: live entry → deliver | gap → read the log from `last`
//     subscribe(from) → catch up, read (from, last], send it, then live: no window, no duplicate
import { createHash } from 'node:crypto';
import type { RedisClientType } from 'redis';
import { encode, ErrorCode, type ServerMessage } from '../../solutions/07-websocket-server/protocol.ts';
import { SerialQueues, type Deliver, type Published, type StreamBus, type StreamMessage } from './bus.ts';
import { Interest } from './interest.ts';
import { compareOffsets, epochBelongsTo, newEpoch, planResume, START, streamKeys, type ClientPosition } from './streams.ts';

type Redis = Pick<RedisClientType, 'sendCommand'>;
type Subscriber = Pick<RedisClientType, 'subscribe' | 'unsubscribe' | 'on' | 'off' | 'isReady'>;

export interface RelayOptions {
  /** Runs the scripts. The caller connects and closes it. */
  redis: Redis;
  /** A separate connection for SUBSCRIBE (a subscribed connection can do nothing else). The caller owns it. */
  subscriber: Subscriber;
  /** In front of every key and channel. */
  prefix: string;
  deliver: Deliver;
  /** History kept per stream, about this many entries (`MAXLEN ~`). @default 10_000 */
  maxLen?: number;
  /** A stream nobody published to for this long is deleted, its epoch with it. @default 86_400_000 (a day) */
  ttlMs?: number;
  /** Entries read per round trip while catching up. @default 500 */
  batch?: number;
  /** Told about Redis failures the relay survived. @default nothing */
  onError?: (error: unknown, where: string) => void;
}

/** One stream this instance delivers: where it is, and the channel listener to take off again. */
interface StreamState {
  readonly stream: string;
  epoch: string;
  /** The last entry delivered to this instance's live sockets. */
  last: string;
  readonly listener: (raw: string) => void;
  /** Subscribe calls that have not finished: the state must outlive them. */
  pending: number;
  dead: boolean;
}

interface Entry {
  id: string;
  /** The message as JSON, without its position. */
  m: string;
  /** The connection id a `say` with excludeSelf came from, or ''. */
  x: string;
}

interface ReadResult {
  epoch: string;
  last: string;
  firstKept: string;
  trimmed: boolean;
  /** Whether the entry named by `check` exists. */
  exists: boolean;
  entries: Entry[];
}

// #region scripts
/**
 * KEYS: log, epoch, live. ARGV: a fresh epoch, ttl ms, maxlen, message JSON, excluded connection.
 * Returns [epoch, id]. One script, so no other publish can come between reading `prev` and XADD,
 * and the channel sees entries in log order.
 */
const PUBLISH = `
local epoch = redis.call('GET', KEYS[2])
if not epoch then epoch = ARGV[1] end
redis.call('SET', KEYS[2], epoch, 'PX', ARGV[2])
local prev = '0-0'
local newest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if #newest > 0 then prev = newest[1][1] end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[3], '*', 'm', ARGV[4], 'x', ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PUBLISH', KEYS[3], cjson.encode({epoch, id, prev, ARGV[5], ARGV[4]}))
return {epoch, id}`;

/**
 * KEYS: log, epoch. ARGV: a fresh epoch (used if the stream has none: its history is gone), ttl ms,
 * from (exclusive), to (inclusive, or '+'), count (0: no entries), an id whose existence to check ('' for none).
 * Returns [epoch, last-generated-id, recorded-first-entry-id, trimmed, exists, id1, m1, x1, id2, ...].
 */
const READ = `
local epoch = redis.call('GET', KEYS[2])
if not epoch then
  epoch = ARGV[1]
  redis.call('SET', KEYS[2], epoch, 'PX', ARGV[2])
end
local last, first, trimmed = '0-0', '0-0', 0
if redis.call('EXISTS', KEYS[1]) == 1 then
  local info, length, added = redis.call('XINFO', 'STREAM', KEYS[1]), 0, 0
  for i = 1, #info, 2 do
    if info[i] == 'last-generated-id' then last = info[i + 1] end
    if info[i] == 'recorded-first-entry-id' then first = info[i + 1] end
    if info[i] == 'length' then length = info[i + 1] end
    if info[i] == 'entries-added' then added = info[i + 1] end
  end
  if added > length then trimmed = 1 end
end
local exists = 0
if ARGV[6] ~= '' and #redis.call('XRANGE', KEYS[1], ARGV[6], ARGV[6]) > 0 then exists = 1 end
local out = {epoch, last, first, trimmed, exists}
if tonumber(ARGV[5]) > 0 then
  for _, entry in ipairs(redis.call('XRANGE', KEYS[1], '(' .. ARGV[3], ARGV[4], 'COUNT', ARGV[5])) do
    local fields = {}
    for i = 1, #entry[2], 2 do fields[entry[2][i]] = entry[2][i + 1] end
    table.insert(out, entry[1])
    table.insert(out, fields['m'] or '')
    table.insert(out, fields['x'] or '')
  end
end
return out`;
// #endregion scripts

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
const SCRIPTS = { publish: { text: PUBLISH, sha: sha1(PUBLISH) }, read: { text: READ, sha: sha1(READ) } };

export class StreamRelay implements StreamBus {
  private readonly redis: Redis;
  private readonly subscriber: Subscriber;
  private readonly prefix: string;
  private readonly deliver: Deliver;
  private readonly maxLen: number;
  private readonly ttlMs: number;
  private readonly batch: number;
  private readonly onError: (error: unknown, where: string) => void;
  private readonly streams = new Map<string, StreamState>();
  /** stream -> connection ids that are live on it. */
  private readonly live = new Interest();
  private readonly queues = new SerialQueues();
  private readonly onReconnect = () => this.catchUpAll();
  private closed: Promise<void> | undefined;

  constructor(options: RelayOptions) {
    this.redis = options.redis;
    this.subscriber = options.subscriber;
    this.prefix = options.prefix;
    this.deliver = options.deliver;
    this.maxLen = options.maxLen ?? 10_000;
    this.ttlMs = options.ttlMs ?? 86_400_000;
    this.batch = options.batch ?? 500;
    this.onError = options.onError ?? (() => {});
    // The subscriber resubscribes by itself after a reconnect, but whatever was published while it
    // was away never reaches it: read it from the log.
    this.subscriber.on('ready', this.onReconnect);
  }

  // #region publish
  async publish(stream: string, message: StreamMessage, exceptConnectionId = ''): Promise<Published> {
  // TODO: run the PUBLISH script (this.script('publish', [log, epoch, live], [...])) with a fresh epoch for
  // the stream, the ttl, maxLen, the message as JSON and exceptConnectionId; return { epoch, offset: id }.
  // Trap: XADD then PUBLISH from TypeScript is two commands: another publish can land between them and
  // the channel's order stops matching the log's. The script does both atomically.
  throw new Error('Not implemented yet: StreamRelay.publish (labs/10-pubsub-scaling/relay.ts)');
}
  // #endregion publish

  // #region subscribe
  subscribe(connectionId: string, stream: string, from?: ClientPosition, requestId?: string): Promise<void> {
  // TODO: state = this.stateFor(stream); count it in state.pending while this call runs (finally: release if unused).
  // TODO: in this.queues.run(stream, ...), one step per stream, so no live entry is delivered meanwhile:
  // - with `from`: a foreign epoch -> refuse FOREIGN_EPOCH. A client ahead of this instance (another epoch,
  //   or an offset after state.last) -> catchUp(state) first. Read the head (count 0, check from.offset), planResume(...):
  //   reject -> refuse with the plan's code; a replay from an offset that is not an entry -> BAD_OFFSET;
  //   resync -> send { type: 'resync', ... } first; then replay(connectionId, state, plan.from).
  // - then this.live.add(stream, connectionId) and send { type: 'subscribed', stream, epoch, offset: state.last, replayed }.
  // TODO: on any Redis failure: refuse with UNAVAILABLE. Never reject.
  // Trap: going live *after* the replay inside the same queued step is what leaves no gap and no duplicate.
  throw new Error('Not implemented yet: StreamRelay.subscribe (labs/10-pubsub-scaling/relay.ts)');
}

  /** Sends the entries after `from` up to the instance's `last`, in order. Returns how many. */
  private async replay(connectionId: string, state: StreamState, from: string): Promise<number> {
  // TODO: read pages of this.batch entries after `from` up to state.last (inclusive) and deliver each (skip entry.x ===
  // connectionId) as this.frame(state, entry); return how many were read. Stop at state.last: later
  // entries reach the socket live.
  throw new Error('Not implemented yet: StreamRelay.replay (labs/10-pubsub-scaling/relay.ts)');
}
  // #endregion subscribe

  unsubscribe(connectionId: string, stream: string): Promise<void> {
    this.live.remove(stream, connectionId);
    const state = this.streams.get(stream);
    if (state) this.releaseIfUnused(state);
    return this.queues.run(stream, async () => {});
  }

  dropConnection(connectionId: string): void {
    for (const stream of this.live.removeHolder(connectionId)) {
      const state = this.streams.get(stream);
      if (state) this.releaseIfUnused(state);
    }
  }

  channels(): string[] {
    return [...this.streams.keys()].map((stream) => streamKeys(this.prefix, stream).live);
  }

  // #region live
  /** The instance's state of a stream; the first local subscriber subscribes the channel and reads the head. */
  private stateFor(stream: string): StreamState {
    const existing = this.streams.get(stream);
    if (existing && !existing.dead) return existing;
    const state: StreamState = {
      stream,
      epoch: '',
      last: START,
      pending: 0,
      dead: false,
      listener: (raw) => this.onLive(state, raw),
    };
    this.streams.set(stream, state);
    void this.queues
      .run(stream, async () => {
        // SUBSCRIBE first, then read the head: an entry published in between arrives live and is
        // dropped as already known (its id is not after `last`), never missed.
        await this.subscriber.subscribe(streamKeys(this.prefix, stream).live, state.listener);
        const head = await this.read(stream, START, '+', 0, '');
        state.epoch = head.epoch;
        state.last = head.last;
      })
      .catch((error: unknown) => this.onError(error, 'subscribe channel'));
    return state;
  }

  private onLive(state: StreamState, raw: string): void {
  // TODO: parse [epoch, id, prev, x, m]; then, queued on the stream:
  // same epoch and id not after state.last -> drop (already delivered);
  // same epoch and prev === state.last -> fanOut (the next entry, nothing missed);
  // anything else (a gap, another epoch) -> catchUp(state): the log knows what happened.
  throw new Error('Not implemented yet: StreamRelay.onLive (labs/10-pubsub-scaling/relay.ts)');
}

  /** Delivers everything the log has after `last` to the live sockets; tells them to resync across a gap. */
  private async catchUp(state: StreamState): Promise<void> {
  // TODO: loop: read a page after state.last up to '+'.
  // another epoch -> adopt it, last = START, tell live sockets { type: 'resync', reason: 'epoch_changed', offset: START },
  //   and read again from the start of the new life;
  // trimmed past state.last (page.trimmed, last before firstKept, and the page does not start at firstKept)
  //   -> tell live sockets { type: 'resync', reason: 'history_lost', offset: state.last };
  // fanOut every entry; stop when a page is not full.
  throw new Error('Not implemented yet: StreamRelay.catchUp (labs/10-pubsub-scaling/relay.ts)');
}

  private catchUpAll(): void {
    for (const state of this.streams.values()) {
      void this.queues.run(state.stream, () => this.catchUp(state)).catch((error: unknown) => this.onError(error, 'catch up'));
    }
  }

  private fanOut(state: StreamState, entry: Entry): void {
  // TODO: state.last = entry.id; encode the frame once; deliver it to every live socket of the stream but entry.x.
  throw new Error('Not implemented yet: StreamRelay.fanOut (labs/10-pubsub-scaling/relay.ts)');
}
  // #endregion live

  private frame(state: StreamState, entry: Entry): Buffer {
    const message = JSON.parse(entry.m) as StreamMessage;
    return Buffer.from(encode({ ...message, pos: { stream: state.stream, epoch: state.epoch, offset: entry.id } }));
  }

  private toLive(state: StreamState, message: ServerMessage): void {
    const frame = Buffer.from(encode(message));
    for (const connectionId of this.live.holders(state.stream)) this.deliver(connectionId, frame);
  }

  private send(connectionId: string, message: ServerMessage): void {
    this.deliver(connectionId, Buffer.from(encode(message)));
  }

  private refuse(connectionId: string, code: ErrorCode, message: string, id: { id?: string }): void {
    this.send(connectionId, { type: 'error', code, message, ...id });
  }

  /** The last local subscriber left and no subscribe is on its way: unsubscribe the channel. */
  private releaseIfUnused(state: StreamState): void {
    if (state.dead || state.pending > 0 || this.live.holders(state.stream).size > 0) return;
    void this.queues
      .run(state.stream, async () => {
        if (state.dead || state.pending > 0 || this.live.holders(state.stream).size > 0) return;
        state.dead = true;
        if (this.streams.get(state.stream) === state) this.streams.delete(state.stream);
        await this.subscriber.unsubscribe(streamKeys(this.prefix, state.stream).live, state.listener);
      })
      .catch((error: unknown) => this.onError(error, 'unsubscribe channel'));
  }

  private async read(stream: string, from: string, to: string, count: number, check: string): Promise<ReadResult> {
    const keys = streamKeys(this.prefix, stream);
    const reply = (await this.script('read', [keys.log, keys.epoch], [newEpoch(stream), String(this.ttlMs), from, to, String(count), check])) as string[];
    const [epoch, last, firstKept, trimmed, exists] = reply as [string, string, string, number | string, number | string];
    const entries: Entry[] = [];
    for (let i = 5; i < reply.length; i += 3) entries.push({ id: reply[i]!, m: reply[i + 1]!, x: reply[i + 2]! });
    return { epoch, last, firstKept, trimmed: Number(trimmed) === 1, exists: Number(exists) === 1, entries };
  }

  /** EVALSHA, falling back to EVAL once when Redis does not know the script (first use, or after a restart). */
  private async script(name: keyof typeof SCRIPTS, keys: string[], args: string[]): Promise<unknown> {
    const { text, sha } = SCRIPTS[name];
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await this.redis.sendCommand(['EVALSHA', sha, ...tail]);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return this.redis.sendCommand(['EVAL', text, ...tail]);
    }
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      this.subscriber.off('ready', this.onReconnect);
      const channels = this.channels();
      for (const state of this.streams.values()) state.dead = true;
      this.streams.clear();
      // With Redis down an UNSUBSCRIBE would wait for it: the caller destroys the client anyway.
      if (channels.length > 0 && this.subscriber.isReady) {
        await this.subscriber.unsubscribe(channels).catch((error: unknown) => this.onError(error, 'close'));
      }
    })();
    return this.closed;
  }
}

function rejection(code: 'bad_offset' | 'foreign_epoch'): string {
  return code === 'bad_offset' ? 'this stream never handed out that offset' : 'that epoch belongs to another stream';
}
