// Reports the gzipped size of the first screen's JavaScript (the entry chunk and everything it
// imports statically) and of the lazily loaded liveness chunk, from Vite's manifest. Writes
// dist/../bundle-report.json (outside dist/, so it is never deployed) and exits 1 when the first
// screen exceeds the budget.
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIRST_SCREEN_BUDGET_BYTES = 250 * 1024;

export function bundleReport(dist) {
  const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8'));
  const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
  const closure = (key, seen = new Set()) => {
    if (seen.has(key)) return seen;
    seen.add(key);
    for (const dep of manifest[key].imports ?? []) closure(dep, seen);
    return seen;
  };
  const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
  const firstScreen = closure(entryKey);
  const livenessKey = Object.keys(manifest).find((k) => /AwsLiveness/.test(k));
  if (!entryKey || !livenessKey) throw new Error('entry or liveness chunk missing from the manifest');
  const livenessOnly = [...closure(livenessKey)].filter((k) => !firstScreen.has(k));
  const sum = (keys) => keys.reduce((total, k) => total + gz(manifest[k].file), 0);
  return {
    firstScreenJsGzipBytes: sum([...firstScreen]),
    firstScreenFiles: [...firstScreen].map((k) => manifest[k].file),
    livenessChunkGzipBytes: sum(livenessOnly),
    livenessFiles: livenessOnly.map((k) => manifest[k].file),
    budgetBytes: FIRST_SCREEN_BUDGET_BYTES,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const report = bundleReport(join(root, 'dist'));
  writeFileSync(join(root, 'bundle-report.json'), `${JSON.stringify(report, null, 2)}\n`);
  const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
  console.log(`first screen JS (gzip): ${kb(report.firstScreenJsGzipBytes)} (budget ${kb(report.budgetBytes)})`);
  console.log(`liveness chunk JS (gzip, loaded on demand): ${kb(report.livenessChunkGzipBytes)}`);
  if (report.firstScreenJsGzipBytes > report.budgetBytes) {
    console.error('first screen is over budget');
    process.exit(1);
  }
}
