import { describe, expect, it, jest } from '@jest/globals';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { TimeRangePicker } from './time-range-picker';
import type { TimeRangeSelection } from '../time/time-range';

const NOW = new Date(2026, 10, 24, 12, 0).getTime();

function setup(value: TimeRangeSelection = { kind: 'preset', preset: '1h' }) {
  const onChange = jest.fn<(next: TimeRangeSelection) => void>();
  render(<TimeRangePicker value={value} onChange={onChange} maxDays={31} now={() => NOW} />);
  return { onChange, user: userEvent.setup() };
}

describe('TimeRangePicker', () => {
  it('marks the active preset and picks another', async () => {
    const { onChange, user } = setup();
    expect(screen.getByRole('button', { name: '1h' }).getAttribute('aria-pressed')).toBe('true');
    await user.click(screen.getByRole('button', { name: '7d' }));
    expect(onChange).toHaveBeenCalledWith({ kind: 'preset', preset: '7d' });
  });

  it('applies a custom range typed in local time', async () => {
    const { onChange, user } = setup();
    await user.click(screen.getByRole('button', { name: 'Custom' }));
    const from = screen.getByLabelText('From');
    const to = screen.getByLabelText('To');
    await user.clear(from);
    await user.type(from, '2026-11-20T08:00');
    await user.clear(to);
    await user.type(to, '2026-11-21T08:00');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    expect(onChange).toHaveBeenCalledWith({
      kind: 'custom',
      from: new Date(2026, 10, 20, 8).getTime(),
      to: new Date(2026, 10, 21, 8).getTime(),
    });
  });

  it('refuses an inverted range and one longer than allowed', async () => {
    const { onChange, user } = setup();
    await user.click(screen.getByRole('button', { name: 'Custom' }));
    const from = screen.getByLabelText('From');
    const to = screen.getByLabelText('To');
    await user.clear(from);
    await user.type(from, '2026-11-22T08:00');
    await user.clear(to);
    await user.type(to, '2026-11-21T08:00');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    expect(screen.getByRole('alert').textContent).toBe('The end must be after the start.');
    expect(from.getAttribute('aria-invalid')).toBe('true');
    await user.clear(from);
    await user.type(from, '2026-09-01T08:00');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    expect(screen.getByRole('alert').textContent).toBe('The range may span at most 31 days.');
    expect(onChange).not.toHaveBeenCalled();
  });
});
