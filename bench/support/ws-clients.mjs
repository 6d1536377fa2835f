// The clients of bench/websocket.bench.ts, in a process of their own, so the server process does
// nothing but serve (on two cores, 200 clients parsing every frame would otherwise share its CPU).
// Latency is measured here, with one clock: from a send to each delivery of that message.
//
// argv[2]: JSON { url, headers: [{...}|null per client], localAddresses: [...], join: room|null }
// stdin:   one JSON command per line: { cmd: 'run', messages, window, padBytes, paused } | { cmd: 'exit' }
// stdout:  'ready', then one JSON result line per run:
//          { expected, delivered, lost, elapsedMs, deliveredPerSec, p50Ms, p99Ms }
// Every client sends the same bytes and parses every frame the same way (JSON.parse, then the
// sequence number before '|' in `text`), whichever server it talks to.
import WebSocket from 'ws';
import { createInterface } from 'node:readline';

const config = JSON.parse(process.argv[2]);
// A message not delivered everywhere this long after its send: the rest is counted lost. Far above
// any p99 seen at load 16 on two cores (about 0.8 s), so lost means lost, not late.
const STALE_MS = 5000;

function connect(i) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(config.url, {
      headers: config.headers[i] ?? undefined,
      localAddress: config.localAddresses[i % config.localAddresses.length],
      perMessageDeflate: false,
    });
    ws.once('error', reject);
    const ready = () => {
      ws.off('error', reject);
      ws.on('error', () => {});
      resolve(ws);
    };
    if (!config.join) return ws.once('open', ready);
    // lab 07: wait for the welcome, join the room, wait for "joined".
    ws.once('message', () => {
      ws.send(JSON.stringify({ type: 'join', room: config.join }));
      ws.once('message', ready);
    });
  });
}

const sockets = [];
for (let i = 0; i < config.headers.length; i += 50) {
  const batch = config.headers.slice(i, i + 50).map((_, k) => connect(i + k));
  sockets.push(...(await Promise.all(batch)));
}

// The run's number leads every text: frames of an earlier run arriving late (a paused reader's
// backlog) are not mistaken for this run's.
let runId = 0;
const frameFor = (seq, pad) =>
  config.join
    ? JSON.stringify({ type: 'say', room: config.join, text: `${runId}:${seq}|${pad}` })
    : JSON.stringify({ type: 'message', room: 'bench', from: 0, text: `${runId}:${seq}|${pad}` });

async function run({ messages, window, padBytes, paused }) {
  runId += 1;
  const prefix = `${runId}:`;
  const pad = 'x'.repeat(padBytes);
  const readers = sockets.filter((_, i) => i !== paused);
  if (paused !== undefined && paused !== null) sockets[paused].pause();
  const sentAt = new Map();
  const remaining = new Map();
  const latencies = [];
  let delivered = 0;
  let seq = 0;
  let open = 0;
  const started = performance.now();
  let finish;
  const finished = new Promise((resolve) => (finish = resolve));
  const retire = (n) => {
    sentAt.delete(n);
    remaining.delete(n);
    open -= 1;
    sendNext();
  };
  const sendNext = () => {
    if (seq >= messages) {
      if (open === 0) finish();
      return;
    }
    const n = seq++;
    // Senders rotate over every reader: no socket comes near the per-connection rate limit.
    const sender = readers[n % readers.length];
    sentAt.set(n, performance.now());
    remaining.set(n, readers.length);
    open += 1;
    sender.send(frameFor(n, pad));
  };
  const onMessage = (data) => {
    const text = JSON.parse(data.toString()).text;
    if (typeof text !== 'string' || !text.startsWith(prefix)) return;
    const n = Number(text.slice(prefix.length, text.indexOf('|')));
    const at = sentAt.get(n);
    if (at === undefined) return; // late: already counted as lost
    latencies.push(performance.now() - at);
    delivered += 1;
    const left = remaining.get(n) - 1;
    if (left > 0) remaining.set(n, left);
    else retire(n);
  };
  const sweep = setInterval(() => {
    const now = performance.now();
    for (const [n, at] of sentAt) if (now - at > STALE_MS) retire(n);
  }, 100);
  for (const ws of readers) ws.on('message', onMessage);
  for (let i = 0; i < window; i++) sendNext();
  await finished;
  const elapsedMs = performance.now() - started;
  clearInterval(sweep);
  for (const ws of readers) ws.off('message', onMessage);
  if (paused !== undefined && paused !== null) sockets[paused].resume();
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? NaN;
  const expected = messages * readers.length;
  return { expected, delivered, lost: expected - delivered, elapsedMs, deliveredPerSec: delivered / (elapsedMs / 1000), p50Ms: pct(50), p99Ms: pct(99) };
}

console.log('ready');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  const command = JSON.parse(line);
  if (command.cmd === 'exit') break;
  console.log(JSON.stringify(await run(command)));
}
for (const ws of sockets) ws.terminate();
process.exit(0);
