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

  it('speaks Spanish too', () => {
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
