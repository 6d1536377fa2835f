// Lab 07's ChatServer owns its HTTP server: that is where it authenticates before the upgrade.
// The app keeps it whole and runs it on a private port, and its public server passes each
// WebSocket handshake on, byte for byte. So the browser sees one origin (page, API and /ws), and
// every check of lab 07 (origin, ticket, session) still happens in lab 07's code.
//
//   browser ──GET /ws Upgrade──▶ app server :3000 ──same bytes──▶ ChatServer 127.0.0.1:<private>
//           ◀──────────────── 101, then frames both ways (two piped TCP sockets) ──────────────▶
import net from 'node:net';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

export interface ProxyTarget {
  host: string;
  port: number;
}

/** The request line and headers of an upgrade request, as they came in (rawHeaders keeps order and case). */
export function upgradeRequestHead(req: Pick<IncomingMessage, 'method' | 'url' | 'httpVersion' | 'rawHeaders'>): string {
  const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** Forwards upgrade requests to one target and owns every connection it forwards. */
export class UpgradeForwarder {
  readonly #open = new Set<Duplex>();

  constructor(private readonly target: ProxyTarget) {}

  forward(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const upstream = net.connect(this.target.port, this.target.host);
    const pair = [socket, upstream];
    // Either side failing or closing ends both: a half-open WebSocket is no use to anyone.
    const destroy = () => {
      for (const s of pair) {
        s.destroy();
        this.#open.delete(s);
      }
    };
    for (const s of pair) {
      this.#open.add(s);
      s.on('error', destroy);
      s.once('close', destroy);
    }
    upstream.once('connect', () => {
      upstream.setNoDelay(true);
      upstream.write(upgradeRequestHead(req));
      if (head.length > 0) upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
  }

  /** Open forwarded connections (both ends count). */
  get size(): number {
    return this.#open.size;
  }

  /** Ends whatever is left. Call it after the ChatServer closed its sockets with 1001. */
  destroyAll(): void {
    for (const s of [...this.#open]) s.destroy();
    this.#open.clear();
  }
}
