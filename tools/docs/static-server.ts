// A tiny static file server for a built VitePress site, with clean URLs: /guide/commands serves
// guide/commands.html, /ko/ serves ko/index.html, and anything else gets 404.html with status 404.
// Hand-written because `vitepress serve` only serves the configured outDir, and this test serves a
// throwaway build in a temp folder (so it can run beside `npm run docs:build`).
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** The files that may answer a URL path, in order; relative to the site root. */
export function candidateFiles(urlPath: string): string[] {
  const p = decodeURIComponent(urlPath.split(/[?#]/)[0] ?? '/');
  if (p.endsWith('/')) return [`${p}index.html`];
  if (path.posix.extname(p)) return [p];
  return [`${p}.html`, `${p}/index.html`];
}

export interface StaticServer {
  /** e.g. `http://127.0.0.1:41234` (no trailing slash) */
  readonly url: string;
  close(): Promise<void>;
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

export async function serveStatic(dir: string): Promise<StaticServer> {
  const root = path.resolve(dir);
  const server = createServer((req, res) => {
    const found = candidateFiles(req.url ?? '/')
      .map((rel) => path.join(root, rel))
      .find((file) => file.startsWith(root + path.sep) && isFile(file));
    const file = found ?? path.join(root, '404.html');
    res.writeHead(found ? 200 : 404, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).on('error', () => res.destroy()).pipe(res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
