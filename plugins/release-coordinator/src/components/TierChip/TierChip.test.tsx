import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { TierChip } from './TierChip';

describe('TierChip', () => {
  it.each([
    ['elite', 'Elite'],
    ['high', 'High'],
    ['medium', 'Medium'],
    ['low', 'Low'],
  ] as const)('labels the %s tier', async (tier, label) => {
    await renderInTestApp(<TierChip tier={tier} />);

    const chip = screen.getByLabelText(`DORA tier: ${label}`);
    expect(chip).toHaveTextContent(label);
    expect(chip).toHaveAttribute('data-tier', tier);
  });

  it('renders nothing for a metric without a tier', async () => {
    await renderInTestApp(
      <div data-testid="host">
        <TierChip tier={null} />
      </div>,
    );

    expect(screen.getByTestId('host')).toBeEmptyDOMElement();
  });
});
