// The dashboard page: public/index.html as is, and public/dashboard.ts bundled for the browser
// (with lab 08's client, lab 07's protocol and zod) by esbuild, in memory, once per process.
// esbuild is already here: tsx, which runs `npm start`, is built on it.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

export interface DashboardAssets {
  html: string;
  script: string;
}

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
      // zod brings every locale along (about 260 KB of the bundle): minified, the page loads ~470 KB instead of ~780 KB.
      minify: true,
      write: false,
      logLevel: 'silent',
    }),
  ]);
  return { html, script: bundle.outputFiles[0]!.text };
}
