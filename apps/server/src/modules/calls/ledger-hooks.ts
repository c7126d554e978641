import type { AttemptRecord } from './call-record.js';

/** Anything that can run a statement inside the ledger's write transaction. */
export interface LedgerTransaction {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

type InTransaction = (tx: LedgerTransaction, inserted: readonly AttemptRecord[]) => Promise<void>;
type Committed = (batch: readonly AttemptRecord[]) => void;

/**
 * Lets other modules act on ledger writes without the ledger depending on them: work done in
 * the same transaction as the INSERT, for the records that were actually new (budget charges),
 * and a notice after the commit, for every record of the batch (new or already stored).
 */
export class LedgerHooks {
  private readonly inTransaction: InTransaction[] = [];
  private readonly committed: Committed[] = [];

  onTransaction(hook: InTransaction): void {
    this.inTransaction.push(hook);
  }

  onCommitted(hook: Committed): void {
    this.committed.push(hook);
  }

  async runInTransaction(tx: LedgerTransaction, inserted: readonly AttemptRecord[]): Promise<void> {
    for (const hook of this.inTransaction) await hook(tx, inserted);
  }

  notifyCommitted(batch: readonly AttemptRecord[]): void {
    for (const hook of this.committed) hook(batch);
  }
}

export const LEDGER_HOOKS = Symbol('LEDGER_HOOKS');
