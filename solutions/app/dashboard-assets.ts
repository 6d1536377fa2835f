// The dashboard page: public/index.html as is, and public/dashboard.ts bundled for the browser
// (with lab 08's client, lab 07's protocol and zod) by esbuild, in memory, once per process.
// esbuild is already here: tsx, which runs `npm start`, is built on it.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

export interface DashboardAssets {
  html: string;
  script: string;
  favicon: string;
}

/** The page's icon (a play button), so the browser's favicon request gets an answer instead of a 404. */
const FAVICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#3b6ef5"/><path d="M12 9l11 7-11 7z" fill="#fff"/></svg>';

/**
 * zod's `z` namespace re-exports every locale (about 260 KB minified) and the page needs only the
 * English one, which zod loads through another path. This swaps the all-locales module for an
 * empty one in the browser bundle; the server keeps the real zod.
 */
const dropZodLocales: Plugin = {
  name: 'drop-zod-locales',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) => (args.importer.includes(`${path.sep}zod${path.sep}`) ? { path: 'zod-locales', namespace: 'empty' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

/**
 * Lab 10's streams.ts makes epochs with node:crypto, on the server; the page imports it only to
 * compare offsets (ResumingClient). In the browser bundle node:crypto is a module whose functions
 * throw, so a call that should never happen there fails loudly instead of the build failing.
 */
const serverOnlyCrypto: Plugin = {
  name: 'server-only-crypto',
  setup(b) {
    b.onResolve({ filter: /^node:crypto$/ }, () => ({ path: 'node:crypto', namespace: 'server-only' }));
    b.onLoad({ filter: /.*/, namespace: 'server-only' }, () => ({
      contents: `const serverOnly = (name) => () => { throw new Error(name + ' (node:crypto) runs on the server only'); };
export const createHash = serverOnly('createHash');
export const randomBytes = serverOnly('randomBytes');`,
      loader: 'js',
    }));
  },
};

let loading: Promise<DashboardAssets> | undefined;

/** The page and its script. Built on the first call (about 100 ms); later calls share the result. */
export function loadDashboard(): Promise<DashboardAssets> {
  loading ??= buildAssets().catch((error: unknown) => {
    loading = undefined; // let the next start try again
    throw error;
  });
  return loading;
}

async function buildAssets(): Promise<DashboardAssets> {
  const [html, bundle] = await Promise.all([
    readFile(`${PUBLIC_DIR}index.html`, 'utf8'),
    build({
      entryPoints: [`${PUBLIC_DIR}dashboard.ts`],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      plugins: [dropZodLocales, serverOnlyCrypto],
      write: false,
      logLevel: 'silent',
    }),
  ]);
  return { html, script: bundle.outputFiles[0]!.text, favicon: FAVICON };
}
