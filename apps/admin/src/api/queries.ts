import {
  QueryCache,
  QueryClient,
  queryOptions,
  useMutation,
  useQueryClient,
  type UseMutationOptions,
} from '@tanstack/react-query';
import type { AdminEndpointName, EndpointResponse } from '@stilts/admin-contract';
import { callAdmin, isAdminApiError, type AdminApiError, type CallInput } from './admin-client';

/** Every admin query's key starts with `['admin', <endpoint name>]`, so invalidation is by name. */
export function adminKey(name: AdminEndpointName, ...rest: unknown[]): readonly unknown[] {
  return ['admin', name, ...rest];
}

/**
 * React Query options for an endpoint. `input` may be a function, evaluated at each fetch: a
 * "last hour" range is then recomputed on every refresh while the key (`keyInput`: the
 * selection as in the URL) stays the same.
 */
export function adminQuery<N extends AdminEndpointName>(
  name: N,
  input: CallInput<N> | (() => CallInput<N>) = {},
  keyInput?: unknown,
) {
  return queryOptions<EndpointResponse<N>, AdminApiError>({
    queryKey: adminKey(name, keyInput ?? input),
    queryFn: ({ signal }) =>
      callAdmin(name, typeof input === 'function' ? input() : input, { signal }),
  });
}

/**
 * A mutation of one endpoint that, once it succeeds, invalidates the queries of the endpoints
 * it affects (by name).
 */
export function useAdminMutation<N extends AdminEndpointName>(
  name: N,
  invalidates: readonly AdminEndpointName[],
  options: Omit<
    UseMutationOptions<EndpointResponse<N>, AdminApiError, CallInput<N>>,
    'mutationFn'
  > = {},
) {
  const client = useQueryClient();
  return useMutation<EndpointResponse<N>, AdminApiError, CallInput<N>>({
    ...options,
    mutationFn: (input) => callAdmin(name, input),
    onSuccess: async (...args) => {
      await Promise.all(
        invalidates.map((n) => client.invalidateQueries({ queryKey: adminKey(n) })),
      );
      await options.onSuccess?.(...args);
    },
  });
}

/**
 * The app's query client: no retries for answers that will not change (4xx), and a 401 from
 * any query sends the session check round again (which then shows the login page).
 */
export function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (isAdminApiError(error) && error.status === 401 && query.queryKey[1] !== 'whoAmI') {
          void client.invalidateQueries({ queryKey: adminKey('whoAmI') });
        }
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        refetchOnWindowFocus: false,
        retry: (failures, error) =>
          !(isAdminApiError(error) && error.status >= 400 && error.status < 500) && failures < 2,
      },
    },
  });
  return client;
}
