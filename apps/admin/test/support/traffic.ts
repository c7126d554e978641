/** What a batch of chat requests came back with. */
export interface TrafficResult {
  readonly sent: number;
  /** HTTP status -> count. */
  readonly statuses: ReadonlyMap<number, number>;
  /** `X-Provider` -> count (successful answers). */
  readonly providers: ReadonlyMap<string, number>;
  /** `X-Stilts-Deployment` -> count (successful answers). */
  readonly deployments: ReadonlyMap<string, number>;
}

function bump<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/**
 * Sends `count` non-streamed chat requests for `route` through the gateway's OpenAI-compatible
 * endpoint, `concurrency` at a time, and counts who answered.
 */
export async function sendChats(options: {
  readonly url: string;
  readonly apiKey: string | undefined;
  readonly route: string;
  readonly count: number;
  readonly concurrency?: number;
}): Promise<TrafficResult> {
  const statuses = new Map<number, number>();
  const providers = new Map<string, number>();
  const deployments = new Map<string, number>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < options.count) {
      next++;
      const response = await fetch(`${options.url}/v1/chat/completions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
        },
        body: JSON.stringify({
          model: options.route,
          messages: [{ role: 'user', content: 'Say hello to the dashboard test.' }],
          max_tokens: 32,
        }),
      });
      await response.arrayBuffer();
      bump(statuses, response.status);
      if (response.ok) {
        bump(providers, response.headers.get('x-provider') ?? '?');
        bump(deployments, response.headers.get('x-stilts-deployment') ?? '?');
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 10 }, () => worker()));
  return { sent: options.count, statuses, providers, deployments };
}
