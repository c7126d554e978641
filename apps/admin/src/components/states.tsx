import type { ReactNode } from 'react';
import { errorMessage, isAdminApiError } from '../api/admin-client';

/** A loading placeholder, announced to screen readers. */
export function Loading(props: { label?: string; fullPage?: boolean; rows?: number }) {
  const label = props.label ?? 'Loading';
  return (
    <div
      className={`state state--loading${props.fullPage ? ' state--page' : ''}`}
      role="status"
      aria-live="polite"
      aria-busy="true"
    >
      <span className="spinner" aria-hidden="true" />
      <span>{label}…</span>
      {!props.fullPage && (
        <div className="skeleton" aria-hidden="true">
          {Array.from({ length: props.rows ?? 3 }, (_, i) => (
            <div key={i} className="skeleton__line" />
          ))}
        </div>
      )}
    </div>
  );
}

/** Nothing to show yet, with what to do about it. */
export function EmptyState(props: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="state state--empty">
      <p className="state__title">{props.title}</p>
      {props.children && <div className="state__hint">{props.children}</div>}
      {props.action}
    </div>
  );
}

/** A failed load: the API's message, its request id (for the logs), and a retry. */
export function ErrorState(props: { error: unknown; onRetry?: () => void; title?: string }) {
  const requestId = isAdminApiError(props.error) ? props.error.requestId : null;
  return (
    <div className="state state--error" role="alert">
      <p className="state__title">{props.title ?? 'Could not load this'}</p>
      <p className="state__hint">{errorMessage(props.error)}</p>
      {requestId && <p className="small muted">Request id {requestId}</p>}
      {props.onRetry && (
        <button type="button" className="button" onClick={props.onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** The loading / error / empty / data states of one query, in one place. */
export function QueryState<T>(props: {
  query: {
    readonly data: T | undefined;
    readonly error: unknown;
    readonly isPending: boolean;
    readonly isError: boolean;
    refetch: () => unknown;
  };
  loadingLabel?: string;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  const { query } = props;
  if (query.isPending) return <Loading label={props.loadingLabel} />;
  if (query.isError || query.data === undefined) {
    return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  }
  if (props.isEmpty?.(query.data)) return <>{props.empty}</>;
  return <>{props.children(query.data)}</>;
}
