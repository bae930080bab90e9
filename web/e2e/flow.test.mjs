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

/** moto's Cognito admin API (any signature is accepted; the region picks the backend). */
async function cognitoAdmin(target, body) {
  const response = await fetch(stage.motoUrl, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': `AWSCognitoIdentityProviderService.${target}`,
      Authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/${stage.region}/cognito-idp/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  assert.equal(response.status, 200, `${target}: ${text}`);
  return text ? JSON.parse(text) : {};
}

/** A member of the reviewers group, created by an administrator (as in production: reviewers do
 * not sign up). Created before the first sign-in, so the first ID token carries the group (moto
 * cannot revoke tokens, so signing out and in again is no option). */
async function createReviewer(email) {
  const pool = { UserPoolId: stage.userPoolId, Username: email };
  await cognitoAdmin('AdminCreateUser', {
    ...pool,
    MessageAction: 'SUPPRESS',
    UserAttributes: [
      { Name: 'email', Value: email },
      { Name: 'email_verified', Value: 'true' },
    ],
  });
  await cognitoAdmin('AdminSetUserPassword', { ...pool, Password: PASSWORD, Permanent: true });
  await cognitoAdmin('AdminAddUserToGroup', { ...pool, GroupName: stage.reviewersGroup ?? 'reviewers' });
}

/** A call to the API with the signed-in user's ID token, from inside the page; its HTTP status. */
async function apiStatus(page, method, path, body) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const cfg = await (await fetch('/config.json')).json();
      const key = Object.keys(localStorage).find((k) => k.endsWith('.idToken'));
      const headers = { Authorization: `Bearer ${localStorage.getItem(key)}`, 'Content-Type': 'application/json' };
      const answer = await fetch(`${cfg.apiUrl}${path}`, { method, headers, body: body ? JSON.stringify(body) : undefined });
      return answer.status;
    },
    { method, path, body },
  );
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

  test(
    'reviewer: a borderline ID → NEEDS_REVIEW → the reviewer sees the case with loading images and a verified chain → approves → a second decision is 409 → the applicant sees APPROVED and the history',
    async () => {
      // The applicant: a passport whose face is alice at similarity 97, inside the review band.
      const applicant = await openApp(stage.webUrl);
      applicant.expect(403);
      const { page } = applicant;
      await signUp(applicant, `carol-${run}@example.com`);
      await giveConsent(applicant);
      await fillForm(applicant);
      await page.getByTestId('step-liveness').waitFor();
      await simulateLiveness(applicant, 'Pass (confidence 97.5)');
      await page.locator('[data-testid="liveness-result"][data-status="PASSED"]').waitFor();
      await page.getByRole('button', { name: 'Continue' }).click();
      await uploadId(applicant, fixtures('passport-alice-borderline.png'));
      const decision = page.locator('[data-testid="identity-decision"][data-decision="NEEDS_REVIEW"]');
      await decision.waitFor();
      assert.match(await decision.innerText(), /A reviewer is checking your identity/);
      await checkScreen(applicant, '30-identity-needs-review');
      const applicationId = await page.evaluate(async () => {
        const cfg = await (await fetch('/config.json')).json();
        const key = Object.keys(localStorage).find((k) => k.endsWith('.idToken'));
        const list = await fetch(`${cfg.apiUrl}/applications`, { headers: { Authorization: `Bearer ${localStorage.getItem(key)}` } });
        return (await list.json()).applications[0].applicationId;
      });
      // An applicant never reaches the review routes.
      assert.equal(await apiStatus(page, 'GET', '/review/cases'), 403);

      // The reviewer: the queue, then the case.
      const email = `reviewer-${run}@example.com`;
      await createReviewer(email);
      const reviewer = await openApp(stage.webUrl);
      reviewer.expect(409);
      const r = reviewer.page;
      await signIn(reviewer, email);
      await r.getByTestId('review-queue').waitFor();
      const row = r.locator(`[data-testid="review-case-row"][data-application-id="${applicationId}"]`);
      await r.getByTestId('review-cases').waitFor();
      while (!(await row.isVisible()) && (await r.getByRole('button', { name: 'Load more' }).isVisible())) {
        await r.getByRole('button', { name: 'Load more' }).click();
      }
      assert.match(await row.innerText(), /Face similarity borderline/);
      await checkScreen(reviewer, '31-review-queue');
      await r.getByLabel('Reason').selectOption('MRZ_INVALID');
      await row.waitFor({ state: 'detached' }); // the filter leaves the case out
      await r.getByLabel('Reason').selectOption('FACE_SIMILARITY_BORDERLINE');
      await row.waitFor();
      await r.getByRole('button', { name: `Open case ${applicationId}` }).click();

      await r.getByTestId('review-case').waitFor();
      await r.locator('[data-testid="chain-result"][data-verified="true"][data-by="server"]').waitFor();
      assert.match(await r.locator('[data-score="faceSimilarity"]').innerText(), /97/);
      const documentNumber = await r.locator('[data-field="documentNumberMasked"]').innerText();
      assert.doesNotMatch(documentNumber, /X1234567/, 'the document number is masked');
      assert.match(documentNumber, /4567/);
      // The presigned URLs work: every image loaded.
      await r.waitForFunction(
        () => {
          const images = [...document.querySelectorAll('[data-testid="case-images"] img')];
          return images.length >= 2 && images.every((i) => i.complete && i.naturalWidth > 0);
        },
        null,
        { timeout: 30_000 },
      );
      await checkScreen(reviewer, '32-review-case');

      await r.getByLabel('Approve the identity').check();
      assert.equal(await r.getByRole('checkbox', { name: /Face similarity borderline/ }).isChecked(), true);
      await r.getByLabel('Note (optional)').fill('Same person; the passport photo is older.');
      await r.getByRole('button', { name: 'Record the decision' }).click();
      await r.locator('[data-testid="review-result"][data-decision="APPROVED"]').waitFor();
      await r.locator('[data-testid="event-trail"] [data-kind="review.decided"]').waitFor();
      await r.locator('[data-testid="chain-result"][data-verified="true"][data-by="server"]').waitFor();
      await checkScreen(reviewer, '33-review-decided');
      // The first decision won: a second one is refused.
      const again = { decision: 'REJECTED', reasonCodes: ['FACE_MISMATCH'] };
      assert.equal(await apiStatus(r, 'POST', `/review/cases/${applicationId}/decisions`, again), 409);
      await reviewer.assertClean();
      await reviewer.context.close();

      // The applicant sees the reviewed decision and it in their history.
      await page.reload();
      await page.locator('[data-testid="identity-decision"][data-decision="APPROVED"]').waitFor();
      await page.getByText('History of your application').click();
      await page.locator('[data-testid="event-trail"] [data-kind="review.decided"]').waitFor();
      assert.match(await page.getByTestId('event-trail').innerText(), /Reviewer decided · by a reviewer/);
      await checkScreen(applicant, '34-applicant-reviewed-history');
      await applicant.assertClean();
      await applicant.context.close();
    },
  );

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
