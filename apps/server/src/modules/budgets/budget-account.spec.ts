import { describe, expect, it } from '@jest/globals';
import { BudgetAccount } from './budget-account.js';
import type { BudgetDefinition } from './budget.types.js';

const budget: BudgetDefinition = {
  id: 'b1',
  name: 'team daily',
  scope: 'team',
  scopeRef: 't1',
  period: 'day',
  amountMicroUsd: 1_000_000,
  action: 'block',
  degradeMaxPricePerMillion: null,
  enabled: true,
};

describe('BudgetAccount', () => {
  it('reserves only what its leases cover', () => {
    const a = new BudgetAccount(budget, 0, 86_400_000, 0);
    expect(a.tryReserve(1, 0)).toBe(false);
    a.addLease('L1', 1_000);
    expect(a.tryReserve(600, 0)).toBe(true);
    expect(a.tryReserve(600, 0)).toBe(false);
    expect(a.available).toBe(400);
    a.release(600);
    expect(a.available).toBe(1_000);
  });

  it('keeps a settled cost counted until the database has the charge', () => {
    const a = new BudgetAccount(budget, 0, 86_400_000, 0);
    a.addLease('L1', 1_000);
    a.tryReserve(600, 0);
    const [charge, ...more] = a.settle(600, 250);
    expect(more).toEqual([]);
    expect(charge).toEqual({ budgetId: 'b1', periodStart: 0, leaseId: 'L1', amountMicroUsd: 250 });
    expect(a.available).toBe(750);
    expect(a.pendingCharges).toBe(250);
    a.charged(charge!);
    expect(a.pendingCharges).toBe(0);
    expect(a.leased).toBe(750);
    expect(a.available).toBe(750);
  });

  it('never assigns a lease more than it has left: splits, and charges any excess unleased', () => {
    const a = new BudgetAccount(budget, 0, 86_400_000, 0);
    a.addLease('small', 100);
    a.addLease('big', 900);
    a.tryReserve(950, 0);
    const charges = a.settle(950, 1_200);
    expect(charges.map((c) => [c.leaseId, c.amountMicroUsd])).toEqual([
      ['big', 900],
      ['small', 100],
      [null, 200],
    ]);
    expect(a.available).toBe(-200);
    for (const c of charges) a.charged(c);
    expect(a.leased).toBe(0);
    expect(a.pendingCharges).toBe(0);
  });

  it('counts charges still in flight against their lease before assigning more to it', () => {
    const a = new BudgetAccount(budget, 0, 86_400_000, 0);
    a.addLease('L1', 500);
    a.addLease('L2', 400);
    a.tryReserve(300, 0);
    a.tryReserve(300, 0);
    const first = a.settle(300, 300);
    const second = a.settle(300, 300);
    // Both cannot go to L1 (500): the second goes to L2, which has 400 free.
    expect(first.map((c) => c.leaseId)).toEqual(['L1']);
    expect(second.map((c) => c.leaseId)).toEqual(['L2']);
    expect(a.available).toBe(300);
  });

  it('charges nothing for a zero cost', () => {
    const a = new BudgetAccount(budget, 0, 86_400_000, 0);
    a.addLease('L1', 100);
    a.tryReserve(50, 0);
    expect(a.settle(50, 0)).toEqual([]);
    expect(a.available).toBe(100);
  });

  it('returns what is left on a lease when it is removed', () => {
    const a = new BudgetAccount(budget, 0, 86_400_000, 0);
    a.addLease('L1', 300);
    a.tryReserve(100, 0);
    for (const c of a.settle(100, 100)) a.charged(c);
    expect(a.removeLease('L1')).toBe(200);
    expect(a.leased).toBe(0);
  });

  it('keeps available = leased − pending charges − reserved through any sequence of operations', () => {
    const a = new BudgetAccount(budget, 0, 86_400_000, 0);
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    const reservations: number[] = [];
    const charges: ReturnType<BudgetAccount['settle']> = [];
    let leases = 0;
    for (let step = 0; step < 2_000; step++) {
      const op = random(6);
      if (op === 0) a.addLease(`L${leases++}`, 1 + random(1_000));
      else if (op === 1) {
        const amount = 1 + random(300);
        if (a.tryReserve(amount, step)) reservations.push(amount);
      } else if (op === 2 && reservations.length > 0) {
        charges.push(...a.settle(reservations.pop()!, random(400)));
      } else if (op === 3 && charges.length > 0) {
        a.charged(charges.splice(random(charges.length), 1)[0]!);
      } else if (op === 4 && reservations.length > 0) {
        a.release(reservations.pop()!);
      } else if (op === 5 && leases > 0 && random(10) === 0) {
        a.removeLease(`L${random(leases)}`);
      }
      expect(a.available).toBe(a.leased - a.pendingCharges - a.inFlight);
    }
  });

  it('forgets a used-up lease once its charges are written, and hands it back once', () => {
    const a = new BudgetAccount(budget, 0, 86_400_000, 0);
    a.addLease('L1', 100);
    a.addLease('L2', 1_000);
    a.tryReserve(100, 0);
    // L2 is the freer: a cost it covers goes there, and leaves L1 alone.
    for (const c of a.settle(100, 60)) a.charged(c);
    expect(a.leaseIds()).toEqual(['L1', 'L2']);
    // 1,040 more: L2's 940 and L1's 100, both used up.
    a.tryReserve(1_040, 0);
    const charges = a.settle(1_040, 1_040);
    expect(charges.map((c) => [c.leaseId, c.amountMicroUsd])).toEqual([
      ['L2', 940],
      ['L1', 100],
    ]);
    // Not before the charges are written: they are still pending on the leases.
    expect(a.takeSpent()).toEqual([]);
    for (const c of charges) a.charged(c);
    expect(a.leaseIds()).toEqual([]);
    expect(a.takeSpent().sort()).toEqual(['L1', 'L2']);
    expect(a.takeSpent()).toEqual([]);
    expect(a.available).toBe(0);
  });
});
