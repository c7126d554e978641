import { lazy, Suspense, useState, type ComponentType, type ReactNode } from 'react';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { createBrowserRouter, Link, RouterProvider, type RouteObject } from 'react-router';
import { createQueryClient } from './api/queries';
import { AppLayout } from './components/app-layout';
import { EmptyState, Loading } from './components/states';
import { ToastProvider } from './components/toasts';
import { PageHeader } from './components/ui';
import { LoginPage } from './features/auth/login.page';
import { RequireSession } from './features/auth/session';

/** A page loaded on first visit (each page is its own chunk; the charts load with the first). */
function page(load: () => Promise<ComponentType>): ReactNode {
  const Page = lazy(async () => ({ default: await load() }));
  return (
    <Suspense fallback={<Loading label="Loading the page" />}>
      <Page />
    </Suspense>
  );
}

function NotFoundPage() {
  return (
    <>
      <PageHeader title="Not found" />
      <EmptyState title="There is no page here." action={<Link to="/">Go to the overview</Link>} />
    </>
  );
}

/** The dashboard's pages; everything but the login needs a session. */
export const appRoutes: RouteObject[] = [
  { path: '/login', element: <LoginPage /> },
  {
    element: <RequireSession />,
    children: [
      {
        element: <AppLayout />,
        children: [
          {
            index: true,
            element: page(
              async () => (await import('./features/overview/overview.page')).OverviewPage,
            ),
          },
          {
            path: 'routes',
            element: page(async () => (await import('./features/routes/routes.page')).RoutesPage),
          },
          {
            path: 'weights',
            element: page(
              async () => (await import('./features/weights/weights.page')).WeightsPage,
            ),
          },
          {
            path: 'budgets',
            element: page(
              async () => (await import('./features/budgets/budgets.page')).BudgetsPage,
            ),
          },
          {
            path: 'calls',
            element: page(async () => (await import('./features/calls/calls.page')).CallsPage),
          },
          {
            path: 'keys',
            element: page(async () => (await import('./features/keys/keys.page')).KeysPage),
          },
          {
            path: 'audit',
            element: page(async () => (await import('./features/audit/audit.page')).AuditPage),
          },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
];

/** Where the server serves the dashboard (Vite's `base`, without the trailing slash). */
export const BASENAME = '/admin';

/** The providers every page needs: server state, toasts, and the router. */
export function App(props: { queryClient?: QueryClient }) {
  const [client] = useState(() => props.queryClient ?? createQueryClient());
  const [router] = useState(() => createBrowserRouter(appRoutes, { basename: BASENAME }));
  return (
    <QueryClientProvider client={client}>
      <ToastProvider>
        <RouterProvider router={router} />
      </ToastProvider>
    </QueryClientProvider>
  );
}
