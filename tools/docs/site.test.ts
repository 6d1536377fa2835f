// The built docs site, in a real browser: both home pages, the sidebar, the language switch.
// Builds the site once into a temp folder (the same build as `npm run docs:build`, so a dead link
// or a broken `<<<` import fails here too), serves it, and drives Debian's Chromium through
// playwright-core.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../testing/chromium.ts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GUIDE_PAGES, Lang, LOCALE_BASE, labRows, lessonFile, PARTS } from '../../docs/.vitepress/labs.ts';
import { listLabs } from '../labs/meta.ts';
import { buildSite, DOCS_DIST_ENV, DOCS_READY_ENV, waitForPrebuiltSite } from './build-site.ts';
import { serveStatic, type StaticServer } from './static-server.ts';

const SCREENSHOT = '/tmp/docs-home.png';

interface SidebarGroup {
  title: string;
  links: { text: string; href: string }[];
}

/** The sidebar a locale should show: the guide, then one group per part that has lessons. */
function expectedSidebar(lang: Lang): SidebarGroup[] {
  const base = LOCALE_BASE[lang];
  const guide = {
    title: lang === Lang.KO ? '안내' : 'Guide',
    links: GUIDE_PAGES.map((p) => ({ text: p.title[lang], href: `${base}guide/${p.slug}` })),
  };
  const labs = listLabs().filter((lab) => existsSync(lessonFile(lab.id, lang)));
  const parts = PARTS.map(({ part, title }) => ({
    title: title[lang],
    links: labs
      .filter((lab) => lab.part === part)
      .map((lab) => ({ text: `${lab.id.slice(0, 2)} · ${lab.title[lang]}`, href: `${base}labs/${lab.id}` })),
  })).filter((group) => group.links.length > 0);
  return [guide, ...parts];
}

const readSidebar = (page: Page): Promise<SidebarGroup[]> =>
  page.$$eval('#VPSidebarNav .VPSidebarItem.level-0', (groups) =>
    groups.map((group) => ({
      title: group.querySelector(':scope > .item .text')?.textContent?.trim() ?? '',
      links: [...group.querySelectorAll('.VPSidebarItem.level-1 a.link')].map((a) => ({
        text: a.textContent?.trim() ?? '',
        href: a.getAttribute('href') ?? '',
      })),
    })),
  );

const readLabTable = (page: Page) =>
  page.$$eval('table.lab-list tbody tr', (rows) =>
    rows.map((row) => ({
      number: row.querySelector('td:nth-child(1)')?.textContent?.trim() ?? '',
      title: row.querySelector('td:nth-child(2)')?.textContent?.trim() ?? '',
      link: row.querySelector('td:nth-child(2) a')?.getAttribute('href') ?? null,
    })),
  );

describe('docs site in a browser', () => {
  let outDir: string;
  let server: StaticServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    const prebuilt = process.env[DOCS_DIST_ENV];
    if (prebuilt) {
      outDir = prebuilt;
      const ready = process.env[DOCS_READY_ENV];
      if (ready) await waitForPrebuiltSite(ready);
    } else {
      outDir = path.join(mkdtempSync(path.join(tmpdir(), 'wb-docs-')), 'dist');
      await buildSite(outDir);
    }
    server = await serveStatic(outDir);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('console', (msg) => {
      // A failed request is reported below, with its URL.
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) {
        consoleErrors.push(`${page.url()}: ${msg.text()}`);
      }
    });
    page.on('response', (response) => {
      if (response.status() >= 400) consoleErrors.push(`${page.url()}: ${response.status()} for ${response.url()}`);
    });
    page.on('pageerror', (error) => consoleErrors.push(`${page.url()}: ${error.message}`));
  }, 360_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    // Only a build this test made itself is removed; a prebuilt one belongs to whoever built it.
    if (outDir && !process.env[DOCS_DIST_ENV]) rmSync(path.dirname(outDir), { recursive: true, force: true });
  });

  // Vue logs a hydration mismatch (server HTML != client render) as a console error.
  afterEach(() => {
    const errors = consoleErrors.splice(0);
    expect(errors, 'the page should log no errors in the browser console').toEqual([]);
  });

  const open = async (urlPath: string) => {
    const response = await page.goto(`${server!.url}${urlPath}`);
    expect(response?.status(), `${urlPath} should be served from the build`).toBe(200);
  };

  it('English home: the title and every lab, linked where the lesson exists', async () => {
    await open('/');

    await expect.poll(() => page.locator('.VPHero h1 .name').textContent()).toBe('Realtime Backend Workbook');
    expect(await page.getAttribute('html', 'lang')).toBe('en-US');
    const rows = await readLabTable(page);
    expect(rows.length, 'the home page lists labs 01 to 12 at least').toBeGreaterThanOrEqual(12);
    expect(rows).toEqual(labRows(Lang.EN).map(({ number, title, link }) => ({ number, title, link })));
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('Korean home at /ko/: Korean title and lab list', async () => {
    await open('/ko/');

    await expect.poll(() => page.locator('.VPHero h1 .name').textContent()).toBe('실시간 백엔드 워크북');
    expect(await page.getAttribute('html', 'lang')).toBe('ko-KR');
    expect(await page.locator('table.lab-list thead').textContent()).toContain('만드는 것');
    const rows = await readLabTable(page);
    expect(rows).toEqual(labRows(Lang.KO).map(({ number, title, link }) => ({ number, title, link })));
    expect(rows[0]?.title, 'lab 01 in Korean').toMatch(/[가-힣]/);
  });

  it.each([Lang.EN, Lang.KO])('the sidebar of a guide page (%s) lists the guide, then the labs grouped by part', async (lang) => {
    await open(`${LOCALE_BASE[lang]}guide/commands`);

    expect(await readSidebar(page)).toEqual(expectedSidebar(lang));
  });

  const lesson = listLabs().find((lab) => existsSync(lessonFile(lab.id, Lang.EN)));
  const lessonTest = lesson
    ? `the sidebar of a lesson page (${lesson.id}) groups the labs by part and marks the open lesson`
    : 'the sidebar of a lesson page: skipped, no docs/labs/*.md page exists yet';
  it.skipIf(!lesson)(lessonTest, async () => {
    await open(`/labs/${lesson!.id}`);

    expect(await readSidebar(page)).toEqual(expectedSidebar(Lang.EN));
    const active = page.locator('#VPSidebarNav .VPSidebarItem.level-1.is-active a.link');
    await expect.poll(() => active.getAttribute('href')).toBe(`/labs/${lesson!.id}`);
  });

  it('the language menu switches a page between English and Korean', async () => {
    await open('/guide/getting-started');

    await page.locator('.VPNavBarTranslations').hover();
    await page.locator('.VPNavBarTranslations a', { hasText: '한국어' }).click();
    await page.waitForURL(`${server!.url}/ko/guide/getting-started`);
    await expect.poll(() => page.locator('.vp-doc h1').textContent()).toContain('시작하기');

    await page.locator('.VPNavBarTranslations').hover();
    await page.locator('.VPNavBarTranslations a', { hasText: 'English' }).click();
    await page.waitForURL(`${server!.url}/guide/getting-started`);
    await expect.poll(() => page.locator('.vp-doc h1').textContent()).toContain('Getting started');
  });
});
