import type { BudgetCharge, BudgetDefinition } from './budget.types.js';

interface Lease {
  /** What the database holds on the lease (mirrored: shrinks as charges are written). */
  remaining: number;
  /** Charges assigned to this lease whose ledger rows are not written yet. */
  pending: number;
}

/**
 * One replica's share of one budget for one period: the slices it leased from PostgreSQL, and
 * what in-flight calls have reserved or settled out of them.
 *
 *   available = Σ over leases (remaining − pending) − reserved − unleased
 *
 * `reserved` is the worst-case cost of calls in flight. A settled cost is assigned to leases
 * (`pending`) until its ledger row, which carries the charge, is written: never more to a lease
 * than it has left, so the database can always apply the charge in full. The part of a cost
 * that exceeds every lease (a call that cost more than its reservation) is `unleased`: charged
 * to the budget as spent only. Everything here is synchronous and in memory: admission costs no
 * database round trip.
 */
export class BudgetAccount {
  private readonly leases = new Map<string, Lease>();
  /** Σ over the leases (remaining − pending), kept up to date: admission reads it per request. */
  private free = 0;
  /** Used-up leases not yet given back to the database. */
  private readonly spent: string[] = [];
  private reserved = 0;
  private unleased = 0;
  /** ms of the last reservation, for returning idle leases. */
  lastUsed: number;
  /** A lease request in flight (single-flight per account); true when it got a slice. */
  refilling: Promise<boolean> | undefined;
  /** Sum of the reservations waiting for a lease to come in, so one lease can cover them all. */
  waiting = 0;
  /** After the database found nothing left to lease, do not ask again before this (ms). */
  exhaustedUntil = 0;
  /** Size of the last slice granted, for proactive refills. */
  lastGrant = 0;

  constructor(
    /** Replaced in place when the definition changes (the bookkeeping stays). */
    public budget: BudgetDefinition,
    readonly periodStart: number,
    readonly periodEnd: number,
    now: number,
  ) {
    this.lastUsed = now;
  }

  /** Σ remaining over the leases (as the database has them). */
  get leased(): number {
    let total = 0;
    for (const lease of this.leases.values()) total += lease.remaining;
    return total;
  }

  get available(): number {
    return this.free - this.reserved - this.unleased;
  }

  get inFlight(): number {
    return this.reserved;
  }

  /** Settled costs not yet written to the database. */
  get pendingCharges(): number {
    let total = this.unleased;
    for (const lease of this.leases.values()) total += lease.pending;
    return total;
  }

  leaseIds(): string[] {
    return [...this.leases.keys()];
  }

  /** Reserves `amount` (micro-USD) if the leases cover it. */
  tryReserve(amount: number, now: number): boolean {
    if (amount > this.available) return false;
    this.reserved += amount;
    this.lastUsed = now;
    return true;
  }

  release(amount: number): void {
    this.reserved = Math.max(0, this.reserved - amount);
  }

  /**
   * Replaces a reservation by the actual cost: assigns the cost to leases, most free first
   * (splitting it when needed), and returns the charges to carry with the ledger record.
   */
  settle(reservedAmount: number, cost: number): BudgetCharge[] {
    this.release(reservedAmount);
    if (cost <= 0) return [];
    // Usually one lease covers the whole cost: the one with the most free, found in one pass.
    let bestId: string | undefined;
    let bestFree = 0;
    // forEach, not for...of: no entry array per lease.
    this.leases.forEach((lease, id) => {
      const free = lease.remaining - lease.pending;
      if (free > bestFree) {
        bestId = id;
        bestFree = free;
      }
    });
    if (bestId !== undefined && bestFree >= cost) {
      return [this.assign(bestId, this.leases.get(bestId) as Lease, cost)];
    }
    const charges: BudgetCharge[] = [];
    let left = cost;
    const byFree = [...this.leases].sort(
      (a, b) => b[1].remaining - b[1].pending - (a[1].remaining - a[1].pending),
    );
    for (const [leaseId, lease] of byFree) {
      if (left === 0) break;
      const take = Math.min(left, lease.remaining - lease.pending);
      if (take <= 0) continue;
      left -= take;
      charges.push(this.assign(leaseId, lease, take));
    }
    if (left > 0) {
      this.unleased += left;
      charges.push({
        budgetId: this.budget.id,
        periodStart: this.periodStart,
        leaseId: null,
        amountMicroUsd: left,
      });
    }
    return charges;
  }

  private assign(leaseId: string, lease: Lease, amount: number): BudgetCharge {
    lease.pending += amount;
    this.free -= amount;
    return {
      budgetId: this.budget.id,
      periodStart: this.periodStart,
      leaseId,
      amountMicroUsd: amount,
    };
  }

  /** A charge reached the database: mirror what it did to the lease. */
  charged(charge: BudgetCharge): void {
    if (charge.leaseId === null) {
      this.unleased = Math.max(0, this.unleased - charge.amountMicroUsd);
      return;
    }
    const lease = this.leases.get(charge.leaseId);
    if (!lease) return;
    const before = lease.remaining - lease.pending;
    lease.pending = Math.max(0, lease.pending - charge.amountMicroUsd);
    lease.remaining = Math.max(0, lease.remaining - charge.amountMicroUsd);
    this.free += lease.remaining - lease.pending - before;
    if (lease.remaining === 0 && lease.pending === 0) {
      // Used up, in the database too: nothing more can be charged to it. Forget it here, and
      // let the next maintenance delete it (see takeSpent), so leases do not pile up.
      this.leases.delete(charge.leaseId);
      this.spent.push(charge.leaseId);
    }
  }

  /** The leases used up since the last call, to give back (they hold nothing). */
  takeSpent(): string[] {
    return this.spent.splice(0);
  }

  addLease(id: string, amount: number): void {
    this.removeLease(id);
    this.leases.set(id, { remaining: amount, pending: 0 });
    this.free += amount;
    this.lastGrant = amount;
  }

  /** Forgets a lease (returned, or lost to expiry); returns what was left on it. */
  removeLease(id: string): number {
    const lease = this.leases.get(id);
    if (!lease) return 0;
    this.leases.delete(id);
    this.free -= lease.remaining - lease.pending;
    return lease.remaining;
  }
}
