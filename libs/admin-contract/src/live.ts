import { z } from 'zod';
import { isoSchema } from './common.js';

/** One deployment's circuit on one replica. */
export const breakerStateSchema = z.object({
  deploymentId: z.string(),
  /** The breaker's own state. */
  state: z.enum(['closed', 'open', 'half-open']),
  /** An operator's forced state, which wins over `state`; null when the breaker decides. */
  forced: z.enum(['open', 'closed']).nullable(),
  /** Whether a call could start now (forced state, breaker and Retry-After pause together). */
  available: z.boolean(),
  /** Retry-After pause in force until then, or null. */
  pausedUntil: isoSchema.nullable(),
  consecutiveFailures: z.int(),
  /** Opens in a row without a close. */
  trips: z.int(),
  /** When an open circuit lets a probe through, or null. */
  retryAt: isoSchema.nullable(),
});
export type BreakerState = z.infer<typeof breakerStateSchema>;

export const replicaStateSchema = z.object({
  replicaId: z.string(),
  /** True for the replica that answered (its state is read from memory, not the table). */
  self: z.boolean(),
  startedAt: isoSchema,
  heartbeatAt: isoSchema,
  /** No heartbeat for more than 30 s: the replica is probably gone. */
  stale: z.boolean(),
  deployments: z.array(breakerStateSchema),
});
export type ReplicaState = z.infer<typeof replicaStateSchema>;

/** `GET /live`: circuit breaker state per deployment per replica. */
export const liveStateSchema = z.object({
  at: isoSchema,
  /** Seconds without a heartbeat after which a replica is shown stale. */
  staleAfterSeconds: z.int(),
  replicas: z.array(replicaStateSchema),
});
export type LiveState = z.infer<typeof liveStateSchema>;
