import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { I18nProvider } from '../i18n/i18n';
import type { IdentityVerification } from '../api/types';
import { IdentityResult } from './IdentityResult';

function renderResult(identity: IdentityVerification, language: 'en' | 'es' = 'en') {
  const onContinue = vi.fn();
  render(
    <I18nProvider language={language}>
      <IdentityResult identity={identity} onContinue={onContinue} />
    </I18nProvider>,
  );
  return { onContinue };
}

const queued: IdentityVerification = { verificationId: 'v', decision: 'NEEDS_REVIEW', reasons: ['FACE_SIMILARITY_BORDERLINE'] };

describe('identity result', () => {
  it('NEEDS_REVIEW: a reviewer is checking, and the documents can go on meanwhile', async () => {
    const { onContinue } = renderResult(queued);
    expect(screen.getByTestId('identity-decision')).toHaveAttribute('data-decision', 'NEEDS_REVIEW');
    expect(screen.getByTestId('identity-decision')).toHaveTextContent('A reviewer is checking your identity');
    await userEvent.click(screen.getByRole('button', { name: 'Continue to mortgage documents' }));
    expect(onContinue).toHaveBeenCalled();
  });

  it('a reviewer approved: verified by a reviewer', () => {
    renderResult({ ...queued, review: { decision: 'APPROVED', decidedAt: '2026-11-30T12:00:00Z' } });
    expect(screen.getByTestId('identity-decision')).toHaveAttribute('data-decision', 'APPROVED');
    expect(screen.getByTestId('identity-decision')).toHaveAttribute('data-reviewed', 'true');
    expect(screen.getByTestId('identity-decision')).toHaveTextContent('A reviewer has verified your identity.');
    expect(screen.queryByTestId('reasons')).not.toBeInTheDocument();
  });

  it('a reviewed approval as the API sends it (decision replaced): verified, without the overruled reasons', () => {
    renderResult({ ...queued, decision: 'APPROVED' });
    expect(screen.getByTestId('identity-decision')).toHaveTextContent('Your identity is verified.');
    expect(screen.queryByTestId('reasons')).not.toBeInTheDocument();
  });

  it('a reviewer rejected: final, no way on to the documents and no new submission', () => {
    renderResult({ ...queued, review: { decision: 'REJECTED', decidedAt: '2026-11-30T12:00:00Z' } }, 'es');
    expect(screen.getByTestId('identity-decision')).toHaveTextContent('Un revisor no ha podido verificar tu identidad.');
    expect(screen.getByText(/Esta decisión es definitiva/)).toBeInTheDocument();
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });

  it('an automated REJECTED is final too, with its reasons', () => {
    renderResult({ verificationId: 'v', decision: 'REJECTED', reasons: ['FACE_MISMATCH'] });
    expect(screen.getByTestId('reasons')).toHaveTextContent('does not match the face');
    expect(screen.getByText(/This decision is final/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Upload a different document' })).not.toBeInTheDocument();
  });
});
