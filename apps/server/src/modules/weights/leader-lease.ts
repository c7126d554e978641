import { Logger } from '@nestjs/common';
import type pg from 'pg';

/**
 * Leadership of a job across replicas: a session advisory lock held on a dedicated connection.
 * The holder stays leader while its session lives; when its process dies (or its connection
 * drops) PostgreSQL releases the lock and the next replica to ask gets it. Nothing else to
 * configure: no heartbeats table, no home-made protocol.
 */
export class LeaderLease {
  private readonly logger = new Logger(LeaderLease.name);
  private client: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;
  private held = false;

  constructor(
    /** A fresh, unconnected client (from `DatabaseService.createClient`). */
    private readonly newClient: () => pg.Client,
    /** The advisory lock key (namespaced by schema). */
    private readonly key: bigint,
    private readonly name: string,
  ) {}

  get isHeld(): boolean {
    return this.held;
  }

  /**
   * True when this replica is (or has just become) the leader. Checks the session is alive
   * first, so a leader that lost its connection (and with it the lock) steps down.
   */
  async acquire(): Promise<boolean> {
    try {
      const client = await this.connection();
      if (this.held) {
        await client.query('SELECT 1');
        return true;
      }
      const result = await client.query<{ ok: boolean }>(
        'SELECT pg_try_advisory_lock($1::bigint) AS ok',
        [this.key.toString()],
      );
      this.held = result.rows[0]?.ok === true;
      if (this.held) this.logger.log(`this replica now leads ${this.name}`);
      return this.held;
    } catch (error) {
      this.drop(error);
      return false;
    }
  }

  /** Gives the lock up (at shutdown) so another replica takes over at once. */
  async release(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.held = false;
    if (!client) return;
    try {
      await client.end();
    } catch {
      // the session is gone either way, and the lock with it
    }
  }

  private async connection(): Promise<pg.Client> {
    if (this.client) return this.client;
    this.connecting ??= (async () => {
      const client = this.newClient();
      client.on('error', (error) => this.drop(error));
      try {
        await client.connect();
      } catch (error) {
        await client.end().catch(() => undefined);
        throw error;
      }
      this.client = client;
      return client;
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private drop(error: unknown): void {
    if (this.held) {
      this.logger.warn(
        `lost the ${this.name} lease (${(error as Error).message}); will try to regain it`,
      );
    }
    this.held = false;
    const client = this.client;
    this.client = undefined;
    void client?.end().catch(() => undefined);
  }
}
