import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { DatabaseLogger } from './database-logger.js';

/** Receives the payload of a NOTIFY ('' when it had none). */
export type NotificationHandler = (payload: string) => void | Promise<void>;

/** Options of one subscription. */
export interface ListenOptions {
  /**
   * Called after the listening connection was lost and re-established. NOTIFYs sent while it
   * was down are lost, so a cache kept fresh by notifications should reload here.
   */
  readonly onReconnect?: () => void;
}

/** Removes a subscription (UNLISTENs when it was the channel's last). */
export type Unsubscribe = () => Promise<void>;

interface Subscription {
  readonly handler: NotificationHandler;
  readonly onReconnect: (() => void) | undefined;
}

/** Tuning of {@link PgListener}; defaults suit production. */
export interface PgListenerOptions {
  readonly applicationName?: string;
  /** First reconnect delay; doubles per failed attempt up to {@link maxBackoffMs}. */
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

/**
 * LISTEN on one dedicated connection (not from the pool: a pooled connection is handed to
 * other queries and would drop its LISTENs on release). When the connection drops — a
 * restart, a failover, `pg_terminate_backend` — it reconnects with exponential backoff and
 * issues LISTEN again for every channel that still has subscribers.
 */
export class PgListener {
  private statements: Promise<unknown> = Promise.resolve();
  private client: pg.Client | undefined;
  /** The connection in use or being (re-)established; undefined when idle. */
  private ready: Promise<pg.Client> | undefined;
  private readonly subscriptions = new Map<string, Set<Subscription>>();
  private readonly closing = new AbortController();
  private backendPid: number | undefined;

  constructor(
    private readonly url: string,
    private readonly logger: DatabaseLogger,
    private readonly options: PgListenerOptions = {},
  ) {}

  /** Backend pid of the listening connection, when connected (diagnostics and tests). */
  get pid(): number | undefined {
    return this.backendPid;
  }

  /**
   * Subscribes `handler` to `channel` (an exact channel name). Resolves once the LISTEN is in
   * effect, so a NOTIFY sent after that is delivered. Rejects when the database cannot be
   * reached on first use.
   */
  async listen(
    channel: string,
    handler: NotificationHandler,
    options: ListenOptions = {},
  ): Promise<Unsubscribe> {
    if (this.closing.signal.aborted) throw new Error('the database listener is closed');
    const subscription: Subscription = { handler, onReconnect: options.onReconnect };
    let subscribers = this.subscriptions.get(channel);
    const firstOnChannel = subscribers === undefined;
    if (!subscribers) {
      subscribers = new Set();
      this.subscriptions.set(channel, subscribers);
    }
    subscribers.add(subscription);
    try {
      const client = await this.connection();
      // A connection opened meanwhile already listens to every channel in the map; LISTEN on a
      // channel already listened to is a no-op, so issuing it again is harmless.
      if (firstOnChannel) await this.serially(client, `LISTEN ${client.escapeIdentifier(channel)}`);
    } catch (error) {
      this.remove(channel, subscription);
      throw error;
    }
    let active = true;
    return async () => {
      if (!active) return;
      active = false;
      if (!this.remove(channel, subscription)) return;
      const client = this.client;
      if (client) {
        await this.serially(client, `UNLISTEN ${client.escapeIdentifier(channel)}`).catch(
          (error: unknown) => this.logger.debug(`UNLISTEN ${channel} failed: ${String(error)}`),
        );
      }
    };
  }

  /**
   * Runs statements on the listening connection one at a time: several subscribers may
   * (un)subscribe at once, and pg does not allow overlapping queries on one client.
   */
  private serially(client: pg.Client, sql: string): Promise<unknown> {
    const next = this.statements.then(() => client.query(sql));
    this.statements = next.catch(() => undefined);
    return next;
  }

  /** Closes the connection and stops reconnecting. Subscriptions end. */
  async close(): Promise<void> {
    if (this.closing.signal.aborted) return;
    this.closing.abort();
    this.subscriptions.clear();
    const client = this.client;
    this.client = undefined;
    this.ready = undefined;
    this.backendPid = undefined;
    await client?.end().catch(() => undefined);
  }

  /** Removes a subscription; true when its channel has no subscribers left. */
  private remove(channel: string, subscription: Subscription): boolean {
    const subscribers = this.subscriptions.get(channel);
    if (!subscribers) return false;
    subscribers.delete(subscription);
    if (subscribers.size > 0) return false;
    this.subscriptions.delete(channel);
    return true;
  }

  private connection(): Promise<pg.Client> {
    if (!this.ready) {
      const opening = this.open();
      this.ready = opening;
      // A failed first connection leaves the listener idle; the next listen() tries again.
      opening.catch(() => {
        if (this.ready === opening) this.ready = undefined;
      });
    }
    return this.ready;
  }

  private async open(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.url,
      application_name: this.options.applicationName ?? 'stilts-listener',
      keepAlive: true,
    });
    // Attached before connecting: an 'error' event without a listener would crash the process.
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, undefined));
    client.on('notification', (message) => this.dispatch(message.channel, message.payload ?? ''));
    try {
      await client.connect();
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      for (const channel of this.subscriptions.keys()) {
        await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
      }
      if (this.closing.signal.aborted) throw new Error('the database listener is closed');
      this.client = client;
      this.backendPid = rows[0]?.pid;
      return client;
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw error;
    }
  }

  private lost(client: pg.Client, error: Error | undefined): void {
    if (client !== this.client || this.closing.signal.aborted) return;
    this.client = undefined;
    this.backendPid = undefined;
    client.removeAllListeners('notification');
    client.removeAllListeners('end');
    void client.end().catch(() => undefined);
    if (this.subscriptions.size === 0) {
      this.ready = undefined;
      return;
    }
    this.logger.warn(
      `LISTEN connection lost${error ? ` (${error.message})` : ''}; reconnecting to re-subscribe ${this.subscriptions.size} channel(s)`,
    );
    const reconnecting = this.reconnect();
    this.ready = reconnecting;
    reconnecting.catch(() => undefined);
  }

  private async reconnect(): Promise<pg.Client> {
    const min = this.options.minBackoffMs ?? 100;
    const max = this.options.maxBackoffMs ?? 5_000;
    for (let attempt = 0; ; attempt++) {
      // Jittered so a fleet of replicas does not reconnect in lockstep after a failover.
      const delay = Math.min(max, min * 2 ** attempt) * (0.5 + Math.random() / 2);
      await sleep(delay, undefined, { signal: this.closing.signal });
      try {
        const client = await this.open();
        this.logger.info(
          `LISTEN connection re-established after ${attempt + 1} attempt(s); re-subscribed to ${this.subscriptions.size} channel(s)`,
        );
        for (const subscribers of this.subscriptions.values()) {
          for (const { onReconnect } of subscribers) this.safely(() => onReconnect?.());
        }
        return client;
      } catch (error) {
        if (this.closing.signal.aborted) throw error;
        this.logger.warn(
          `LISTEN reconnect attempt ${attempt + 1} failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  }

  private dispatch(channel: string, payload: string): void {
    const subscribers = this.subscriptions.get(channel);
    if (!subscribers) return;
    for (const { handler } of subscribers) this.safely(() => handler(payload));
  }

  /** Runs a subscriber's callback; its failure is logged and does not reach the others. */
  private safely(callback: () => void | Promise<void>): void {
    const report = (error: unknown): void =>
      this.logger.error(
        `notification handler failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    try {
      const result = callback();
      if (result instanceof Promise) result.catch(report);
    } catch (error) {
      report(error);
    }
  }
}
