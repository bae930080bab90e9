// The first screen's JavaScript stays under budget (gzip); `npm run build` writes dist/ first.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error plain ESM script without types
import { bundleReport, FIRST_SCREEN_BUDGET_BYTES } from '../scripts/bundle-report.mjs';

const dist = join(__dirname, '..', 'dist');

describe('bundle size', () => {
  it('has a build to measure', () => {
    expect(existsSync(join(dist, '.vite/manifest.json')), 'run `npm run build` before the tests').toBe(true);
  });

  it('keeps the first screen under 250 KB gzipped and the liveness detector out of it', () => {
    const report = bundleReport(dist);
    expect(report.firstScreenJsGzipBytes).toBeLessThan(FIRST_SCREEN_BUDGET_BYTES);
    expect(report.livenessChunkGzipBytes).toBeGreaterThan(0);
    expect(report.firstScreenFiles.some((f: string) => /AwsLiveness/.test(f))).toBe(false);
  });
});
