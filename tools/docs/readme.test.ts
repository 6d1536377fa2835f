// What a fresh clone meets first: the README's Start block and what `npm ci` prints.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT } from '../labs/meta.ts';

const readJson = (file: string) => JSON.parse(readFileSync(path.join(ROOT, file), 'utf8'));
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

describe('README and package.json for a fresh clone', () => {
  test("every dependency's install script is reviewed in allowScripts, so npm 11 prints no install-scripts warning", () => {
    const lock = readJson('package-lock.json') as { packages: Record<string, { hasInstallScript?: boolean }> };
    const { allowScripts = {} } = readJson('package.json') as { allowScripts?: Record<string, boolean> };

    const withScripts = Object.entries(lock.packages)
      .filter(([where, p]) => where !== '' && p.hasInstallScript)
      .map(([where]) => where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length));
    const unreviewed = [...new Set(withScripts)].filter((name) => !(name in allowScripts));

    expect(unreviewed, 'run `npm install-scripts ls`, then approve or deny each (and say why in the README)').toEqual([]);
  });

  test('npm 10 (Node 20 and 22 ship it) accepts the lock too: its one react is in @docsearch/react\'s optional peer range (< 19)', () => {
    const lock = readJson('package-lock.json') as { packages: Record<string, { version: string }> };
    const reacts = Object.entries(lock.packages).filter(([where]) => /(^|\/)node_modules\/react(-dom)?$/.test(where));

    // npm 11 keeps react 19 for @prisma/studio-core (^18 || ^19); npm 10 then wants a react 18 of
    // its own for @docsearch/react and refuses `npm ci` ("Missing: react@18.3.1 from lock file").
    expect(reacts.map(([where, p]) => `${where}@${p.version.split('.')[0]}`)).toEqual(['node_modules/react@18', 'node_modules/react-dom@18']);
  });

  test('the Start block checks the set-up with doctor, and says npm test is the self-test', () => {
    const start = readme.slice(readme.indexOf('## Start'), readme.indexOf('## Labs'));
    const commands = [...start.matchAll(/^(npm [^#\n]*?)\s*(#.*)?$/gm)].map((m) => m[1]);
    const scripts = Object.keys((readJson('package.json') as { scripts: Record<string, string> }).scripts);

    expect(commands).toEqual(['npm ci', 'npm run lab -- doctor', 'npm run lab']);
    expect(scripts).toContain('lab');
    expect(start).toMatch(/`npm test` is the workbook's own self-test/);
    expect(start).toMatch(/not need it to check your set-up/);
  });
});
