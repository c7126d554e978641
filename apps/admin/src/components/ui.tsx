import { useEffect, type ReactNode } from 'react';

/** A page's title row, with its controls on the right (wrapping below on phones). */
export function PageHeader(props: { title: string; description?: ReactNode; actions?: ReactNode }) {
  useEffect(() => {
    document.title = `${props.title} · Stilts`;
  }, [props.title]);
  return (
    <header className="page-header">
      <div>
        <h1 className="page-header__title">{props.title}</h1>
        {props.description && <p className="page-header__description">{props.description}</p>}
      </div>
      {props.actions && <div className="page-header__actions">{props.actions}</div>}
    </header>
  );
}

/** A titled block of a page. */
export function Panel(props: {
  title?: string;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  id?: string;
}) {
  return (
    <section
      className={`panel${props.className ? ` ${props.className}` : ''}`}
      aria-label={props.title}
      id={props.id}
    >
      {(props.title ?? props.actions) && (
        <header className="panel__header">
          {props.title && <h2 className="panel__title">{props.title}</h2>}
          {props.actions && <div className="panel__actions">{props.actions}</div>}
        </header>
      )}
      {props.children}
    </section>
  );
}

/** A headline number. */
export function StatCard(props: {
  label: string;
  value: ReactNode;
  detail?: ReactNode;
  tone?: 'default' | 'good' | 'warn' | 'bad';
}) {
  return (
    <div className={`stat stat--${props.tone ?? 'default'}`}>
      <div className="stat__label">{props.label}</div>
      <div className="stat__value">{props.value}</div>
      {props.detail && <div className="stat__detail">{props.detail}</div>}
    </div>
  );
}

export type BadgeTone = 'neutral' | 'good' | 'warn' | 'bad' | 'info';

/** A short status label. */
export function Badge(props: { tone?: BadgeTone; children: ReactNode; title?: string }) {
  return (
    <span className={`badge badge--${props.tone ?? 'neutral'}`} title={props.title}>
      {props.children}
    </span>
  );
}

/** A labelled progress bar (`role="progressbar"`); beyond 100 % it shows full and red. */
export function ProgressBar(props: {
  label: string;
  value: number;
  /** A second mark, e.g. the projected end of period. */
  projected?: number;
  valueText: string;
}) {
  const pct = Math.max(0, Math.min(1, props.value)) * 100;
  const projected =
    props.projected === undefined ? undefined : Math.max(0, Math.min(1, props.projected)) * 100;
  const tone = props.value >= 1 ? 'bad' : (props.projected ?? props.value) >= 0.8 ? 'warn' : 'good';
  return (
    <div
      className={`progress progress--${tone}`}
      role="progressbar"
      aria-label={props.label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(pct)}
      aria-valuetext={props.valueText}
    >
      {projected !== undefined && projected > pct && (
        <div className="progress__projected" style={{ width: `${projected}%` }} />
      )}
      <div className="progress__bar" style={{ width: `${pct}%` }} />
    </div>
  );
}

/**
 * An id in monospace (`sim-openai/gpt-4o-mini`) that may wrap after its slashes, never inside
 * a name.
 */
export function Id(props: { value: string; className?: string }) {
  const parts = props.value.split('/');
  return (
    <span className={`mono${props.className ? ` ${props.className}` : ''}`}>
      {parts.map((part, i) => (
        <span key={i}>
          {part}
          {i < parts.length - 1 && (
            <>
              /<wbr />
            </>
          )}
        </span>
      ))}
    </span>
  );
}
