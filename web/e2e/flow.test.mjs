// Browser end-to-end tests of the applicant web app against the local stage (moto, the emulator,
// the same handlers as the Lambdas), in headless Debian chromium. Every screen is screenshotted
// under build/web-e2e/ and checked with axe; any console error or CSP violation fails the test.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStage, REPO } from './stage.mjs';
import { openApp, checkScreen, SHOTS } from './browser.mjs';

const PASSWORD = 'Lendverify-Test-Passw0rd!';
let stage;
let fixtures;
let videos;
const run = Date.now().toString(36);
const users = {};

// The fake-camera videos (face_video.py, in .tools/media-venv): the astronaut photograph zooming
// into the oval, and a scene with no face.
function makeVideos() {
  const dir = mkdtempSync(join(tmpdir(), 'lendverify-web-videos-'));
  execFileSync(join(REPO, '.tools/media-venv/bin/python'), [join(REPO, 'web/e2e/face_video.py'), dir]);
  return (name) => join(dir, name);
}

async function emulatorControl(method, path, body) {
  const response = await fetch(`${stage.emulatorUrl}/_emulator${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  assert.equal(response.status, 200, `${method} ${path}: ${text}`);
  return JSON.parse(text);
}

/** The real FaceLivenessDetectorCore against the emulator's stream, on Chromium's fake camera. */
async function startVideoCheck(app) {
  const { page } = app;
  await page.getByRole('button', { name: /Start the liveness check|Try again/ }).click();
  await page.getByRole('button', { name: 'Start video check' }).click({ timeout: 60_000 });
}

function makeFixtures() {
  const dir = mkdtempSync(join(tmpdir(), 'lendverify-web-fixtures-'));
  execFileSync(join(REPO, '.tools/venv/bin/python'), [join(REPO, 'web/e2e/fixtures.py'), dir], {
    env: { ...process.env, PYTHONPATH: join(REPO, 'emulator') },
  });
  return (name) => join(dir, name);
}

async function signUp(app, email) {
  const { page } = app;
  await page.getByRole('tab', { name: 'Create Account' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Confirm Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create Account' }).click();
  // moto accepts any confirmation code.
  await page.getByLabel('Confirmation Code').fill('123456');
  await page.getByRole('button', { name: 'Confirm' }).click();
  await skipContactVerification(page, page.getByTestId('step-consent'));
}

// moto's ConfirmSignUp does not mark the email verified (Cognito does), so after signing in the
// Authenticator offers to verify it for account recovery: skip, as an applicant may.
async function skipContactVerification(page, next) {
  const skip = page.getByRole('button', { name: 'Skip' });
  await Promise.race([skip.waitFor(), next.waitFor()]);
  if (await skip.isVisible()) await skip.click();
}

async function signIn(app, email) {
  const { page } = app;
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await skipContactVerification(page, page.locator('.flow'));
}

async function giveConsent(app) {
  await app.page.getByTestId('step-consent').waitFor();
  await app.page.getByLabel('I consent to the processing of my biometric data').check();
  await app.page.getByRole('button', { name: 'Give consent and continue' }).click();
}

async function fillForm(app, { givenName = 'Ana', familyName = 'Müller', dateOfBirth = '1990-04-12' } = {}) {
  const { page } = app;
  await page.getByTestId('step-application').waitFor();
  await page.getByLabel('Given name(s)').fill(givenName);
  await page.getByLabel('Family name').fill(familyName);
  await page.getByLabel('Date of birth').fill(dateOfBirth);
  await page.getByRole('button', { name: 'Save and continue' }).click();
}

async function simulateLiveness(app, outcome) {
  const { page } = app;
  await page.getByRole('button', { name: 'Use the simulated capture instead (local stage only)' }).click();
  await page.getByTestId('simulated-capture').waitFor();
  await page.getByLabel(outcome).check();
  await page.getByRole('button', { name: 'Simulate the capture' }).click();
  return page.getByTestId('liveness-result');
}

async function uploadId(app, file) {
  const { page } = app;
  await page.getByTestId('step-id-upload').waitFor();
  await page.getByLabel('Front of the document (with your photo)').setInputFiles(file);
  await page.getByRole('button', { name: 'Upload and verify' }).click();
}

describe('applicant web app on the local stage', { timeout: 900_000 }, () => {
  before(async () => {
    fixtures = makeFixtures();
    videos = makeVideos();
    stage = await startStage();
  });

  after(async () => {
    await stage?.stop();
  });

  test('whole flow: sign-up → consent → form (422 beside the field) → liveness → ID → lending package SUCCEEDED', async () => {
    const app = await openApp(stage.webUrl);
    app.expect(422);
    const { page } = app;
    await page.getByRole('tab', { name: 'Create Account' }).waitFor();
    await checkScreen(app, '01-sign-in');
    users.first = `ana-${run}@example.com`;
    await signUp(app, users.first);

    await page.getByTestId('step-consent').waitFor();
    await checkScreen(app, '02-consent');
    await giveConsent(app);

    // The API's 422 field error is shown next to the field it names.
    await fillForm(app, { dateOfBirth: '2999-01-01' });
    await page.getByTestId('error-dateOfBirth').waitFor();
    assert.match(await page.getByTestId('error-dateOfBirth').innerText(), /cannot be in the future/);
    await checkScreen(app, '03-application-form-error');
    await page.getByLabel('Date of birth').fill('1990-04-12');
    await page.getByRole('button', { name: 'Save and continue' }).click();

    await page.getByTestId('step-liveness').waitFor();
    await checkScreen(app, '04-liveness');
    await page.getByRole('button', { name: 'Use the simulated capture instead (local stage only)' }).click();
    await page.getByTestId('simulated-capture').waitFor();
    await checkScreen(app, '05-liveness-simulated-capture');
    await page.getByLabel('Pass (confidence 97.5)').check();
    await page.getByRole('button', { name: 'Simulate the capture' }).click();
    await page.locator('[data-testid="liveness-result"][data-status="PASSED"]').waitFor();
    await checkScreen(app, '06-liveness-passed');

    // Resumable: a reload continues at the ID step, from the API's state.
    await page.reload();
    await page.getByTestId('step-id-upload').waitFor();
    await checkScreen(app, '07-id-upload');
    await uploadId(app, fixtures('passport-alice.png'));
    await page.locator('[data-testid="identity-decision"][data-decision="APPROVED"]').waitFor();
    await checkScreen(app, '08-identity-approved');
    await page.getByRole('button', { name: 'Continue to mortgage documents' }).click();

    await page.getByTestId('step-lending-upload').waitFor();
    await checkScreen(app, '09-lending-upload');
    await page.getByLabel('Lending package (PDF)').setInputFiles(fixtures('mortgage-package.pdf'));
    await page.getByRole('button', { name: 'Upload and analyse' }).click();
    await page.locator('[data-testid="document-status"][data-status="SUCCEEDED"]').waitFor({ timeout: 90_000 });
    const groups = await page.getByTestId('groups').innerText();
    assert.match(groups, /Bank statement/);
    assert.match(await page.getByTestId('extracted').innerText(), /Ana Muller/i);
    await checkScreen(app, '10-documents-succeeded');

    // The same screens at 360 px.
    await page.setViewportSize({ width: 360, height: 780 });
    await checkScreen(app, '10-documents-succeeded-360');
    await page.reload();
    await page.locator('[data-testid="document-status"][data-status="SUCCEEDED"]').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.equal(overflow, false, 'no horizontal scrolling at 360 px');
    await app.assertClean();
    users.firstApp = await page.evaluate(async () => {
      const cfg = await (await fetch('/config.json')).json();
      const key = Object.keys(localStorage).find((k) => k.endsWith('.idToken'));
      const list = await fetch(`${cfg.apiUrl}/applications`, { headers: { Authorization: `Bearer ${localStorage.getItem(key)}` } });
      return (await list.json()).applications[0].applicationId;
    });
    await app.context.close();
  });

  test('a failed liveness check can be retried', async () => {
    const app = await openApp(stage.webUrl, { width: 360, height: 780 });
    await signUp(app, `retry-${run}@example.com`);
    await checkScreen(app, '11-consent-360');
    await giveConsent(app);
    await fillForm(app);
    await app.page.getByTestId('step-liveness').waitFor();
    await checkScreen(app, '12-liveness-360');
    const result = await simulateLiveness(app, 'Fail');
    await app.page.locator('[data-testid="liveness-result"][data-status="FAILED"]').waitFor();
    assert.match(await result.innerText(), /could not confirm/);
    await checkScreen(app, '13-liveness-failed-360');
    await simulateLiveness(app, 'Pass (confidence 97.5)');
    await app.page.locator('[data-testid="liveness-result"][data-status="PASSED"]').waitFor();
    await app.assertClean();
    await app.context.close();
  });

  test('an ID of the wrong type is refused, and a mismatching ID is rejected with its reasons', async () => {
    const app = await openApp(stage.webUrl);
    app.expect(415);
    const { page } = app;
    await signUp(app, `bob-${run}@example.com`);
    await giveConsent(app);
    await fillForm(app);
    await page.getByTestId('step-liveness').waitFor();
    await simulateLiveness(app, 'Pass (confidence 97.5)');
    await page.locator('[data-testid="liveness-result"][data-status="PASSED"]').waitFor();
    await page.getByRole('button', { name: 'Continue' }).click();

    await uploadId(app, fixtures('notes.txt'));
    await page.getByTestId('error').waitFor();
    assert.match(await page.getByTestId('error').innerText(), /file type is not accepted.*JPEG or PNG/);
    await checkScreen(app, '14-id-wrong-type');

    await uploadId(app, fixtures('passport-bob.png'));
    await page.locator('[data-testid="identity-decision"][data-decision="REJECTED"]').waitFor();
    const reasons = await page.getByTestId('reasons').innerText();
    assert.match(reasons, /does not match the face from the liveness check/);
    assert.equal(await page.getByRole('button', { name: 'Continue to mortgage documents' }).count(), 0);
    await checkScreen(app, '15-identity-rejected');
    await app.assertClean();
    await app.context.close();
  });

  test('another applicant cannot see the first applicant\'s application', async () => {
    assert.ok(users.firstApp, 'the whole-flow test created an application');
    const app = await openApp(stage.webUrl);
    app.expect(404);
    await signUp(app, `eve-${run}@example.com`);
    // Eve starts from nothing: the first applicant's application is not hers.
    await app.page.getByTestId('step-consent').waitFor();
    const status = await app.page.evaluate(async (id) => {
      const cfg = await (await fetch('/config.json')).json();
      const key = Object.keys(localStorage).find((k) => k.endsWith('.idToken'));
      const answer = await fetch(`${cfg.apiUrl}/applications/${id}`, { headers: { Authorization: `Bearer ${localStorage.getItem(key)}` } });
      return answer.status;
    }, users.firstApp);
    assert.equal(status, 404);
    await app.assertClean();
    await app.context.close();
  });

  test('"Erase my data" asks for confirmation, then erases everything', async () => {
    const app = await openApp(stage.webUrl);
    const { page } = app;
    await signIn(app, users.first);
    await page.locator('[data-testid="document-status"][data-status="SUCCEEDED"]').waitFor();
    await page.getByRole('button', { name: 'Erase my data' }).click();
    await page.getByTestId('erase-confirm').waitFor();
    await checkScreen(app, '16-erase-confirm');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Erase my data' }).click();
    await page.getByRole('button', { name: 'Yes, erase everything' }).click();
    await page.getByTestId('erased').waitFor();
    await checkScreen(app, '17-erased');
    // Nothing is left to resume: a reload starts a new application.
    await page.reload();
    await page.getByTestId('step-consent').waitFor();
    await app.assertClean();
    await app.context.close();
  });

  test('real FaceLivenessDetector on a synthetic face: oval, colours, PASSED, and identity uses its reference image', async () => {
    // The face the emulator's CompareFaces sees on the reference image cut from the video.
    await emulatorControl('POST', '/liveness-stream', { face: 'alice' });
    const before = new Set((await emulatorControl('GET', '/liveness-sessions')).map((s) => s.SessionId));
    const app = await openApp(stage.webUrl, { camera: { video: videos('face.mjpeg'), spki: stage.livenessCertSpki } });
    const { page } = app;
    await signUp(app, `face-${run}@example.com`);
    await giveConsent(app);
    await fillForm(app);
    await page.getByTestId('step-liveness').waitFor();
    await startVideoCheck(app);
    // The oval the emulator's OvalParameters place, drawn over the camera view, while the face is
    // still far away.
    await page.getByText('Move closer').first().waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(SHOTS, '20-liveness-real-oval.png') });
    // The colour sequence (FaceMovementAndLightChallenge) around the oval: wait for a coloured frame.
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('canvas')].some((canvas) => {
          const [r, g, b] = canvas.getContext('2d')?.getImageData(4, 4, 1, 1).data ?? [];
          return Math.max(r, g, b) - Math.min(r, g, b) > 120;
        }),
      null,
      { timeout: 60_000, polling: 50 },
    );
    await page.screenshot({ path: join(SHOTS, '21-liveness-real-colours.png') });
    await page.locator('[data-testid="liveness-result"][data-status="PASSED"]').waitFor({ timeout: 90_000 });
    await checkScreen(app, '22-liveness-real-passed');

    const sessions = await emulatorControl('GET', '/liveness-sessions');
    const streamed = sessions.filter((s) => s.Stream && !before.has(s.SessionId));
    assert.equal(streamed.length, 1);
    assert.equal(streamed[0].Status, 'SUCCEEDED');
    assert.deepEqual(streamed[0].Stream.Decision.Reasons, []);
    assert.ok(streamed[0].Stream.VideoBytes > 10_000, 'the component streamed its video');

    await page.getByRole('button', { name: 'Continue' }).click();
    await uploadId(app, fixtures('passport-alice.png'));
    await page.locator('[data-testid="identity-decision"][data-decision="APPROVED"]').waitFor();
    await checkScreen(app, '23-liveness-real-identity-approved');
    await app.assertClean();
    await app.context.close();
  });

  test('real FaceLivenessDetector with no face in front of the camera: a clear failure and a retry', async () => {
    await emulatorControl('POST', '/liveness-stream', { noVideoTimeoutSeconds: 8 });
    const app = await openApp(stage.webUrl, { camera: { video: videos('no-face.mjpeg'), spki: stage.livenessCertSpki } });
    const { page } = app;
    await signUp(app, `noface-${run}@example.com`);
    await giveConsent(app);
    await fillForm(app);
    await page.getByTestId('step-liveness').waitFor();
    await startVideoCheck(app);
    const result = page.locator('[data-testid="liveness-result"][data-status="FAILED"]');
    await result.waitFor({ timeout: 90_000 });
    assert.match(await result.innerText(), /could not confirm that you are a real person/);
    await checkScreen(app, '24-liveness-real-no-face-failed');
    // The retry starts a new session and the camera check again.
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.getByRole('button', { name: 'Start video check' }).waitFor({ timeout: 60_000 });
    await emulatorControl('DELETE', '/liveness-stream');
    await app.assertClean();
    await app.context.close();
  });
});
