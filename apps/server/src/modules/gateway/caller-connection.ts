import { EventEmitter } from 'node:events';

/**
 * The caller's side of one request: the HTTP layer calls {@link leave} when the caller's
 * connection closes before the answer is complete, and the gateway stops what it does for them.
 *
 * A plain object with one listener slot rather than an AbortController: every request has one,
 * and an AbortSignal (an EventTarget) with its listeners cost ~3 % of the gateway's CPU per
 * request. Attempts and waits are sequential, so one listener at a time is enough.
 */
export class CallerConnection {
  private left = false;
  private listener: (() => void) | undefined;

  /** The caller disconnected. */
  get gone(): boolean {
    return this.left;
  }

  /** The caller disconnected: runs the listener, once. */
  leave(): void {
    if (this.left) return;
    this.left = true;
    const listener = this.listener;
    this.listener = undefined;
    listener?.();
  }

  /**
   * Calls `listener` once when the caller leaves, at once if they already have. Replaces the
   * previous listener. Returns the unlink.
   */
  onLeave(listener: () => void): () => void {
    if (this.left) {
      listener();
      return noop;
    }
    this.listener = listener;
    return () => {
      if (this.listener === listener) this.listener = undefined;
    };
  }

  /** Waits `ms`, or less when the caller leaves meanwhile: resolves whether they are still here. */
  pause(ms: number): Promise<boolean> {
    if (this.left) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        unlink();
        resolve(true);
      }, ms);
      const unlink = this.onLeave(() => {
        clearTimeout(timer);
        resolve(false);
      });
    });
  }
}

function noop(): void {}

/**
 * Aborts one upstream attempt. undici takes an EventEmitter with `aborted` and `reason` as a
 * request's `signal`; it is far cheaper to create than an AbortController. `reason` is what
 * the aborted request rejects with.
 */
export class AttemptAbort extends EventEmitter {
  aborted = false;
  reason: unknown = undefined;

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.emit('abort');
  }
}
