import { useId, useState, type FormEvent } from 'react';
import {
  RANGE_PRESETS,
  fromLocalInputValue,
  toLocalInputValue,
  type TimeRangeSelection,
} from '../time/time-range';

/**
 * Presets (1 h / 24 h / 7 d) as a radio-like button group, and "Custom" with two local
 * date-time fields. Controlled: the page keeps the selection in the URL.
 */
export function TimeRangePicker(props: {
  value: TimeRangeSelection;
  onChange: (next: TimeRangeSelection) => void;
  /** The longest custom range accepted, in days. */
  maxDays?: number;
  now?: () => number;
}) {
  const now = props.now ?? Date.now;
  const [customOpen, setCustomOpen] = useState(props.value.kind === 'custom');
  const initial =
    props.value.kind === 'custom'
      ? { from: props.value.from, to: props.value.to }
      : { from: now() - 86_400_000, to: now() };
  const [from, setFrom] = useState(toLocalInputValue(initial.from));
  const [to, setTo] = useState(toLocalInputValue(initial.to));
  const [error, setError] = useState<string | null>(null);
  const fromId = useId();
  const toId = useId();
  const errorId = useId();

  const apply = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const f = fromLocalInputValue(from);
    const t = fromLocalInputValue(to);
    if (f === null || t === null) {
      setError('Enter both dates and times.');
      return;
    }
    if (f >= t) {
      setError('The end must be after the start.');
      return;
    }
    if (props.maxDays !== undefined && t - f > props.maxDays * 86_400_000) {
      setError(`The range may span at most ${props.maxDays} days.`);
      return;
    }
    setError(null);
    props.onChange({ kind: 'custom', from: f, to: t });
  };

  const active = props.value.kind === 'preset' ? props.value.preset : 'custom';
  return (
    <div className="range-picker">
      <div className="segmented" role="group" aria-label="Time range">
        {RANGE_PRESETS.map((p) => (
          <button
            key={p.value}
            type="button"
            className="segmented__item"
            aria-pressed={active === p.value}
            title={p.label}
            onClick={() => {
              setCustomOpen(false);
              props.onChange({ kind: 'preset', preset: p.value });
            }}
          >
            {p.value}
          </button>
        ))}
        <button
          type="button"
          className="segmented__item"
          aria-pressed={active === 'custom'}
          aria-expanded={customOpen}
          onClick={() => setCustomOpen((open) => !open)}
        >
          Custom
        </button>
      </div>
      {customOpen && (
        <form className="range-picker__custom" onSubmit={apply} noValidate>
          <label htmlFor={fromId}>From</label>
          <input
            id={fromId}
            type="datetime-local"
            className="input input--compact"
            value={from}
            onChange={(e) => setFrom(e.target.value)}
            aria-invalid={error !== null}
            aria-describedby={error ? errorId : undefined}
          />
          <label htmlFor={toId}>To</label>
          <input
            id={toId}
            type="datetime-local"
            className="input input--compact"
            value={to}
            onChange={(e) => setTo(e.target.value)}
            aria-invalid={error !== null}
            aria-describedby={error ? errorId : undefined}
          />
          <button type="submit" className="button">
            Apply
          </button>
          {error && (
            <p id={errorId} className="field__error" role="alert">
              {error}
            </p>
          )}
        </form>
      )}
    </div>
  );
}
