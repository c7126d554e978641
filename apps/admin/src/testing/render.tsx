import { jest } from '@jest/globals';
import type { ReactElement, ReactNode } from 'react';
import { render, type RenderResult } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createMemoryRouter, RouterProvider, useLocation, type RouteObject } from 'react-router';
import type { Session } from '@stilts/admin-contract';
import { ToastProvider } from '../components/toasts';
import { SessionProvider } from '../features/auth/session';
import { session as sessionFixture } from './fixtures';

/** One expected API call: method and path (query string ignored unless `query` given). */
export interface ApiRoute {
  readonly method: string;
  readonly path: string | RegExp;
  readonly status?: number;
  readonly body?: unknown;
  /** Called with the request; its result replaces `body` (and may set a status). */
  readonly respond?: (request: { url: URL; body: unknown }) => { status?: number; body?: unknown };
}

/** A recorded request. */
export interface ApiCall {
  readonly method: string;
  readonly url: URL;
  readonly body: unknown;
}

/**
 * The part of a fetch `Response` the admin client reads (jsdom has no `Response`).
 */
export function fakeResponse(status: number, body: unknown): Response {
  const fake = {
    ok: status >= 200 && status < 300,
    status,
    statusText: '',
    headers: new Headers({ 'content-type': 'application/json', 'x-request-id': 'req-test' }),
    json: () => Promise.resolve(body ?? null),
    text: () => Promise.resolve(JSON.stringify(body ?? null)),
  };
  return fake as unknown as Response;
}

/**
 * Replaces `fetch` with a router over `routes` (the first match answers; no match is a 404 in
 * the admin error shape) and records every call.
 */
export function mockApi(routes: readonly ApiRoute[]): { calls: ApiCall[]; restore: () => void } {
  const calls: ApiCall[] = [];
  const original = globalThis.fetch;
  const answer = (input: RequestInfo | URL, init?: RequestInit): Response => {
    const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const url = new URL(href, 'http://localhost');
    const method = (init?.method ?? 'GET').toUpperCase();
    const body: unknown = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    calls.push({ method, url, body });
    const match = routes.find(
      (r) =>
        r.method === method &&
        (typeof r.path === 'string' ? r.path === url.pathname : r.path.test(url.pathname)),
    );
    if (!match) {
      return fakeResponse(404, {
        message: `no mock for ${method} ${url.pathname}`,
        code: 'not_found',
      });
    }
    const reply = match.respond ? match.respond({ url, body }) : {};
    const status = reply.status ?? match.status ?? 200;
    return fakeResponse(status, 'body' in reply ? reply.body : match.body);
  };
  globalThis.fetch = jest.fn((input: RequestInfo | URL, init?: RequestInit) =>
    Promise.resolve(answer(input, init)),
  );
  return { calls, restore: () => void (globalThis.fetch = original) };
}

/** Shows the current location, for assertions on navigation and search params. */
export function LocationProbe() {
  const location = useLocation();
  return <output data-testid="location">{`${location.pathname}${location.search}`}</output>;
}

/**
 * Renders `ui` at `path` inside the app's providers (a fresh query client without retries,
 * toasts, a session of `role`, a memory router with `routes` around it when given).
 */
export function renderWithApp(
  ui: ReactElement,
  options: {
    path?: string;
    session?: Partial<Session> | null;
    routes?: RouteObject[];
  } = {},
): RenderResult & { client: QueryClient } {
  const client = new QueryClient({
    defaultOptions: { queries: { retry: false, staleTime: Infinity }, mutations: { retry: false } },
  });
  const wrap = (node: ReactNode): ReactNode =>
    options.session === null ? (
      node
    ) : (
      <SessionProvider session={sessionFixture(options.session ?? {})}>{node}</SessionProvider>
    );
  const routes: RouteObject[] = options.routes ?? [
    {
      path: '*',
      element: (
        <>
          {wrap(ui)}
          <LocationProbe />
        </>
      ),
    },
  ];
  const router = createMemoryRouter(routes, { initialEntries: [options.path ?? '/'] });
  const result = render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <RouterProvider router={router} />
      </ToastProvider>
    </QueryClientProvider>,
  );
  return { ...result, client };
}
