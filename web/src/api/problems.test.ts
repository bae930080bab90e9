import { translate } from '../i18n/i18n';
import { ApiProblem, NetworkError } from './client';
import { fieldErrors, messageFor } from './problems';

const en = (key: string, vars?: Record<string, string | number>) => translate('en', key, vars);
const es = (key: string, vars?: Record<string, string | number>) => translate('es', key, vars);

describe('problem+json to messages', () => {
  it.each([
    [new NetworkError('x'), 'general', /could not reach the service/],
    [new ApiProblem(401, { title: 'Unauthorized' }), 'general', /session has ended/],
    [new ApiProblem(404, { title: 'Not found' }), 'general', /could not find this application/],
    [new ApiProblem(409, { detail: 'consent to biometric processing is required' }), 'liveness', /give your consent before the liveness check/],
    [new ApiProblem(409, { detail: 'already submitted' }), 'general', /not possible right now: already submitted/],
    [new ApiProblem(415, { detail: "expected image/png, got 'text/plain'" }), 'id', /JPEG or PNG/],
    [new ApiProblem(415, {}), 'lending', /as a PDF/],
    [new ApiProblem(413, {}), 'id', /too large/],
    [new ApiProblem(503, {}), 'general', /busy/],
    [new ApiProblem(502, {}), 'general', /on our side/],
    [new Error('boom'), 'general', /Something went wrong/],
  ] as const)('%o in %s', (error, context, message) => {
    expect(messageFor(error, en, context)).toMatch(message);
  });

  const problem = (status: number, slug: string, detail = '', retryAfter?: number) =>
    new ApiProblem(status, { type: `https://lendverify.dev/problems/${slug}`, status, detail }, retryAfter);

  it.each([
    [problem(429, 'liveness-locked-out', 'x', 170), 'liveness', /start a new one in 3 minutes/],
    [problem(429, 'liveness-locked-out', 'x', 45), 'liveness', /in 45 seconds/],
    [problem(429, 'liveness-locked-out'), 'liveness', /wait a few minutes/],
    [problem(429, 'identity-attempts-exhausted'), 'id', /used all your attempts/],
    [problem(409, 'analysis-running'), 'general', /still being analysed/],
    [problem(429, 'application-quota-exceeded', 'x', 3600), 'general', /start another in 60 minutes/],
    [problem(429, 'application-quota-exceeded', 'x', 82_800), 'general', /start another in 23 hours/],
    [problem(429, 'upload-quota-exceeded', 'x', 84_000), 'id', /send another in 24 hours/],
    [problem(429, 'lending-job-quota-exceeded', 'x', 120), 'lending', /start another in 2 minutes/],
    [problem(429, 'lending-job-quota-exceeded'), 'lending', /in 24 hours/],
    [problem(409, 'decision-final', 'the identity decision is final: NEEDS_REVIEW'), 'id', /already been decided \(waiting for a reviewer\)/],
    [problem(409, 'decision-final', 'final'), 'id', /already been decided, and a new submission/],
    [problem(409, 'review-already-decided'), 'review-decision', /already been decided by another reviewer/],
    [problem(409, 'conflict'), 'review-decision', /already been decided by another reviewer/],
    [problem(403, 'forbidden', 'a reviewer cannot review their own application'), 'review-decision', /cannot review your own application/],
    [problem(403, 'forbidden', 'not in the reviewers group'), 'review', /Only reviewers/],
    [problem(404, 'not-found'), 'review', /no longer waiting for review/],
    [problem(403, 'forbidden'), 'general', /not allowed/],
  ] as const)('%o in %s', (error, context, message) => {
    expect(messageFor(error, en, context)).toMatch(message);
  });

  it('speaks Spanish too', () => {
    expect(messageFor(problem(429, 'liveness-locked-out', '', 170), es, 'liveness')).toMatch(/dentro de 3 minutos/);
    expect(messageFor(problem(429, 'application-quota-exceeded', '', 7200), es)).toMatch(/dentro de 2 horas/);
    expect(messageFor(new ApiProblem(503, {}), es)).toMatch(/ocupado/);
  });

  it('maps 422 field errors to form fields, translated', () => {
    const error = new ApiProblem(422, {
      status: 422,
      errors: [
        { field: 'applicant.dateOfBirth', message: 'must not be in the future' },
        { field: 'applicant.givenName', message: 'is required' },
        { field: 'applicant.familyName', message: 'something new' },
      ],
    });
    expect(fieldErrors(error, en, 'applicant.')).toEqual({
      dateOfBirth: 'The date cannot be in the future.',
      givenName: 'This field is required.',
      familyName: 'something new',
    });
    expect(fieldErrors(error, es, 'applicant.').dateOfBirth).toBe('La fecha no puede ser futura.');
    expect(fieldErrors(new ApiProblem(409, {}), en)).toEqual({});
  });
});
