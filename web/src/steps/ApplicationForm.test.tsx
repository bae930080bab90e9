import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { I18nProvider } from '../i18n/i18n';
import { ApiProblem } from '../api/client';
import { ApplicationForm } from './ApplicationForm';

it('shows the API 422 field errors next to their fields', async () => {
  const onSubmit = vi.fn(async () => {
    throw new ApiProblem(422, {
      status: 422,
      errors: [
        { field: 'applicant.dateOfBirth', message: 'must not be in the future' },
        { field: 'applicant.givenName', message: 'must not be empty' },
      ],
    });
  });
  render(
    <I18nProvider language="en">
      <ApplicationForm onSubmit={onSubmit} />
    </I18nProvider>,
  );
  await userEvent.type(screen.getByLabelText('Family name'), 'Müller');
  await userEvent.type(screen.getByLabelText('Date of birth'), '2999-01-01');
  await userEvent.click(screen.getByRole('button', { name: 'Save and continue' }));
  expect(onSubmit).toHaveBeenCalledWith({ givenName: '', familyName: 'Müller', dateOfBirth: '2999-01-01' });
  const dob = screen.getByLabelText('Date of birth');
  expect(dob).toHaveAttribute('aria-invalid', 'true');
  expect(dob).toHaveAccessibleDescription(/The date cannot be in the future/);
  expect(screen.getByLabelText('Given name(s)')).toHaveAccessibleDescription('This field must not be empty.');
  expect(screen.getByLabelText('Family name')).not.toHaveAttribute('aria-invalid');
  expect(screen.getByRole('alert')).toHaveTextContent('Please correct the highlighted fields.');
});
