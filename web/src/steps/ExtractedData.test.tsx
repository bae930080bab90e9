import { render, screen, within } from '@testing-library/react';
import { I18nProvider } from '../i18n/i18n';
import { ExtractedData, humanize } from './ExtractedData';

it('renders whatever the API extracted, fields as text with their normalised value', () => {
  render(
    <I18nProvider language="en">
      <ExtractedData
        data={{
          bankStatements: [
            {
              page: 4,
              borrowerName: { text: 'Ana Muller', confidence: 97, lowConfidence: false },
              endingBalance: { text: '$25,000.00', confidence: 96.4, amount: { value: '25000.00', currency: 'USD' }, lowConfidence: false },
            },
          ],
          payslips: [],
          loanNumber: 'L-1',
        }}
      />
    </I18nProvider>,
  );
  const extracted = screen.getByTestId('extracted');
  expect(within(extracted).getByText('Bank statements')).toBeInTheDocument();
  expect(within(extracted).getByText('Ana Muller')).toBeInTheDocument();
  expect(within(extracted).getByText('$25,000.00')).toBeInTheDocument();
  expect(extracted).toHaveTextContent('(Amount: 25000.00 USD)');
  expect(extracted).toHaveTextContent('confidence 96%');
  expect(extracted).toHaveTextContent('L-1');
  expect(extracted).toHaveTextContent('Loan number'); // a key without a message is spelled out
  expect(extracted).not.toHaveTextContent('Payslips');
  expect(humanize('PAY_PERIOD_START')).toBe('Pay period start');
});
