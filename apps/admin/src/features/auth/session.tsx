import { createContext, useContext, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Navigate, Outlet, useLocation } from 'react-router';
import { roleAllows, type Session } from '@stilts/admin-contract';
import { isAdminApiError } from '../../api/admin-client';
import { adminQuery } from '../../api/queries';
import { ErrorState, Loading } from '../../components/states';

interface SessionValue {
  readonly session: Session;
  /** Whether this session may change things (role `admin`); viewers see no write actions. */
  readonly canWrite: boolean;
}

const SessionContext = createContext<SessionValue | null>(null);

/** The session of a page under {@link RequireSession}. */
export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside RequireSession');
  return value;
}

/** Provides a known session (tests, and {@link RequireSession} itself). */
export function SessionProvider(props: { session: Session; children: ReactNode }) {
  return (
    <SessionContext.Provider
      value={{ session: props.session, canWrite: roleAllows(props.session.role, 'admin') }}
    >
      {props.children}
    </SessionContext.Provider>
  );
}

/** Only a same-app path may be a post-login destination (no `//host`, no scheme). */
export function safeNextPath(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return '/';
  return next;
}

/** The session query (`GET /session`): 401 means "not logged in", not an error. */
export const sessionQuery = { ...adminQuery('whoAmI'), retry: false, staleTime: 60_000 } as const;

/** Renders its child routes for a logged-in user; sends anyone else to the login page. */
export function RequireSession() {
  const location = useLocation();
  const query = useQuery(sessionQuery);
  if (query.isPending) return <Loading label="Checking your session" fullPage />;
  if (query.isError) {
    if (isAdminApiError(query.error) && query.error.status === 401) {
      const next = `${location.pathname}${location.search}`;
      return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
    }
    return (
      <main className="page page--narrow">
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      </main>
    );
  }
  return (
    <SessionProvider session={query.data}>
      <Outlet />
    </SessionProvider>
  );
}
