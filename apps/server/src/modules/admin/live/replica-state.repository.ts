import type { BreakerState } from '@stilts/admin-contract';
import type { DataSource } from 'typeorm';

/** One replica's published row. */
export interface ReplicaStateRow {
  replica_id: string;
  started_at: Date;
  heartbeat_at: Date;
  deployments: BreakerState[];
}

/** `replica_state`: each replica's breakers and heartbeat, upserted every few seconds. */
export class ReplicaStateRepository {
  constructor(private readonly dataSource: DataSource) {}

  async publish(
    replicaId: string,
    startedAt: Date,
    deployments: readonly BreakerState[],
  ): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO replica_state (replica_id, started_at, heartbeat_at, deployments)
       VALUES ($1, $2, now(), $3)
       ON CONFLICT (replica_id) DO UPDATE SET
         started_at = EXCLUDED.started_at, heartbeat_at = EXCLUDED.heartbeat_at,
         deployments = EXCLUDED.deployments`,
      [replicaId, startedAt, JSON.stringify(deployments)],
    );
  }

  async all(): Promise<ReplicaStateRow[]> {
    return this.dataSource.query<ReplicaStateRow[]>(
      'SELECT replica_id, started_at, heartbeat_at, deployments FROM replica_state ORDER BY replica_id',
    );
  }

  async remove(replicaId: string): Promise<void> {
    await this.dataSource.query('DELETE FROM replica_state WHERE replica_id = $1', [replicaId]);
  }

  /** Deletes rows without a heartbeat since `beforeMs` (replicas long gone). */
  async prune(beforeMs: number): Promise<void> {
    await this.dataSource.query('DELETE FROM replica_state WHERE heartbeat_at < $1', [
      new Date(beforeMs),
    ]);
  }
}
