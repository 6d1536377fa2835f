// A fault-injecting TCP proxy for tests: put it between a client and a real server, then make the
// server look down or hung without touching the server every other test file shares.
//
//   const proxy = await TcpProxy.start(redis.url);         // 127.0.0.1:<free port> -> the real Redis
//   const client = createClient({ url: proxy.url });
//   await proxy.cut();       // like a crash: open connections are dropped, new ones are refused
//   await proxy.restore();   // the server is back
//   proxy.freeze();          // like a hung server: connections stay open, no bytes flow
//   proxy.thaw();            // the bytes that waited are delivered, in order
//   proxy.retarget(other);   // new connections go to another server (a load balancer moving on)
//   await proxy.close();     // idempotent
import net from 'node:net';

interface Pipe {
  client: net.Socket;
  upstream: net.Socket;
  /** Chunks held back while frozen, per direction, in arrival order. */
  held: Array<{ to: net.Socket; chunk: Buffer }>;
}

export class TcpProxy {
  readonly #server: net.Server;
  #target: { host: string; port: number };
  #targetUrl: URL;
  readonly #pipes = new Set<Pipe>();
  #down = false;
  #frozen = false;
  #closed = false;

  private constructor(server: net.Server, targetUrl: URL) {
    this.#server = server;
    this.#targetUrl = targetUrl;
    this.#target = TcpProxy.#hostPort(targetUrl);
    server.on('connection', (socket) => this.#accept(socket));
  }

  /** Starts a proxy on a free port of 127.0.0.1 that forwards to the host and port of `targetUrl`. */
  static async start(targetUrl: string): Promise<TcpProxy> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return new TcpProxy(server, new URL(targetUrl));
  }

  get port(): number {
    return (this.#server.address() as net.AddressInfo).port;
  }

  /** The target URL (scheme, credentials, database) with the proxy's host and port. */
  get url(): string {
    const url = new URL(this.#targetUrl);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }

  /** New connections go to the host and port of `targetUrl` from now on; open ones stay where they are. */
  retarget(targetUrl: string): void {
    this.#targetUrl = new URL(targetUrl);
    this.#target = TcpProxy.#hostPort(this.#targetUrl);
  }

  static #hostPort(url: URL): { host: string; port: number } {
    return { host: url.hostname, port: Number(url.port || 6379) };
  }

  /** Drops every open connection and refuses new ones until `restore()`. */
  async cut(): Promise<void> {
    this.#down = true;
    const closed = [...this.#pipes].map((pipe) => this.#destroy(pipe));
    await Promise.all(closed);
  }

  /** Accepts and forwards connections again. */
  async restore(): Promise<void> {
    this.#down = false;
  }

  /** Stops moving bytes in both directions; connections stay open, so the peer sees a hung server. */
  freeze(): void {
    this.#frozen = true;
  }

  /** Delivers what was held back while frozen and forwards normally again. */
  thaw(): void {
    this.#frozen = false;
    for (const pipe of this.#pipes) {
      for (const { to, chunk } of pipe.held.splice(0)) if (!to.destroyed) to.write(chunk);
    }
  }

  /** Number of client connections currently open through the proxy. */
  get connections(): number {
    return this.#pipes.size;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: net.Socket) {
    if (this.#down || this.#closed) {
      client.destroy();
      return;
    }
    const upstream = net.connect(this.#target);
    const pipe: Pipe = { client, upstream, held: [] };
    this.#pipes.add(pipe);
    const forward = (to: net.Socket) => (chunk: Buffer) => {
      if (this.#frozen) pipe.held.push({ to, chunk });
      else to.write(chunk);
    };
    client.on('data', forward(upstream));
    upstream.on('data', forward(client));
    // Errors end the pipe; the peer learns about it from the closed socket, which is the point.
    const end = () => void this.#destroy(pipe);
    for (const socket of [client, upstream]) {
      socket.on('error', end);
      socket.on('close', end);
    }
  }

  #destroy(pipe: Pipe): Promise<void> {
    this.#pipes.delete(pipe);
    const closed = [pipe.client, pipe.upstream].map(
      (socket) =>
        new Promise<void>((resolve) => {
          if (socket.destroyed && socket.closed) return resolve();
          socket.once('close', () => resolve());
          socket.destroy();
        }),
    );
    return Promise.all(closed).then(() => undefined);
  }
}
