// Headless Debian chromium driven by playwright-core (no browser download), with the checks every
// screen gets: console errors, CSP violations, axe (no serious or critical violations), and a
// screenshot under build/web-e2e/.
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './stage.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const SHOTS = join(REPO, 'build/web-e2e');
mkdirSync(SHOTS, { recursive: true });

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Chromium's fake camera playing `video` (an MJPEG file, looped at 30 fps), and trust in the
 * liveness stream's self-signed certificate (by its public key's SHA-256, from stage.json). */
function cameraArgs(camera) {
  if (!camera) return [];
  return [
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    `--use-file-for-fake-video-capture=${camera.video}`,
    `--ignore-certificate-errors-spki-list=${camera.spki}`,
  ];
}

/** One headless chromium with a fresh profile directory (--user-data-dir): a fresh applicant. */
async function launchFresh(viewport, camera) {
  const profile = mkdtempSync(join(tmpdir(), 'lendverify-chromium-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...ARGS, ...cameraArgs(camera)],
    viewport,
    locale: 'en-US',
    ...(camera ? { permissions: ['camera'] } : {}),
  });
}

/** A fresh browser (a fresh applicant) on the app, with error and CSP tracking. `expectedStatuses`
 * lists the HTTP error statuses the scenario provokes on purpose (Chromium logs each one). */
export async function openApp(url, { width = 1280, height = 900, camera } = {}) {
  const context = await launchFresh({ width, height }, camera);
  const page = context.pages()[0] ?? (await context.newPage());
  const problems = [];
  const expected = new Set();
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    const status = /status of (\d{3})/.exec(text)?.[1];
    if (status && expected.has(Number(status))) return;
    problems.push(`console error: ${text}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI}`);
    });
  });
  await page.goto(url);
  return {
    page,
    context,
    problems,
    /** HTTP error statuses this scenario provokes on purpose. */
    expect(...statuses) {
      for (const s of statuses) expected.add(s);
    },
    async assertClean() {
      const csp = await page.evaluate(() => window.__cspViolations ?? []);
      const all = [...problems, ...csp.map((c) => `CSP violation: ${c}`)];
      if (all.length) throw new Error(all.join('\n'));
    },
  };
}

/** axe-core on the current screen: no serious or critical violations. */
export async function axe(page, screen) {
  // Evaluated over the DevTools protocol, which the page's CSP does not govern.
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 3) }));
  });
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length) throw new Error(`axe on ${screen}: ${JSON.stringify(bad)}`);
  return result;
}

/** Screenshot + axe of the current screen. */
export async function checkScreen(app, name) {
  await app.page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  await axe(app.page, name);
}
