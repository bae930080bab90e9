// Starts the local stage (the built target/debug/lendverify-local-stage) on free ports with its
// own work directory, waits for its ready line, and stops it (SIGTERM stops every child).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');

export async function startStage({ timeoutMs = 360_000 } = {}) {
  // While developing the tests: reuse a running stage (its stage.json) instead of starting one.
  if (process.env.LENDVERIFY_STAGE_JSON) {
    return { ...JSON.parse(readFileSync(process.env.LENDVERIFY_STAGE_JSON, 'utf8')), async stop() {} };
  }
  const binary = join(REPO, 'target/debug/lendverify-local-stage');
  if (!existsSync(binary)) throw new Error(`${binary} is missing: cargo build -p lendverify-local-stage`);
  if (!existsSync(join(REPO, 'web/dist/index.html'))) throw new Error('web/dist is missing: npm run build');
  const workDir = mkdtempSync(join(tmpdir(), 'lendverify-web-e2e-'));
  const log = createWriteStream(join(workDir, 'stage.log'));
  const child = spawn(binary, [], {
    cwd: REPO,
    env: {
      ...process.env,
      LENDVERIFY_ROOT: REPO,
      LOCAL_STAGE_DIR: workDir,
      LOCAL_API_PORT: '0',
      LOCAL_MOTO_PORT: '0',
      LOCAL_EMULATOR_PORT: '0',
      LOCAL_WEB_PORT: '0',
      LOCAL_LIVENESS_PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr.pipe(log);
  let output = '';
  await new Promise((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`local stage not ready in ${timeoutMs} ms; see ${workDir}/stage.log`)), timeoutMs);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      log.write(chunk);
      if (output.includes('Ctrl-C stops every process')) {
        clearTimeout(timer);
        ready();
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`local stage exited (${code}) during start-up; see ${workDir}/stage.log`));
    });
  });
  const stage = JSON.parse(readFileSync(join(workDir, 'stage.json'), 'utf8'));
  if (!stage.webUrl) throw new Error('the stage serves no web app');
  return {
    ...stage,
    workDir,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((done) => setTimeout(done, 20_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
