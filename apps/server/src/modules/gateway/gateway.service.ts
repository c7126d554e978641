import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  classifyFailure,
  costMicroUsd,
  decideRetry,
  deploymentCooldownUntil,
  formatMicroUsd,
  parseRetryAfter,
  type Clock,
  type RetryPolicyOptions,
  type Rng,
  type UpstreamFailure,
} from '@stilts/routing';
import type { ChatCompletionRequest } from '../../common/openai/chat-completion.schema.js';
import type { ChatCompletionChunk } from '../../common/openai/chat-completion.types.js';
import {
  GatewayError,
  isGatewayError,
  type AttemptSummary,
} from '../../common/errors/gateway-error.js';
import { CLOCK, RNG } from '../../common/time/system-clock.js';
import {
  CALL_RECORDER,
  type AttemptOutcome,
  type AttemptRecord,
  type CallRecorder,
} from '../calls/call-record.js';
import { CatalogService } from '../catalog/catalog.service.js';
import type { ResolvedMember, ResolvedRoute } from '../catalog/resolved-catalog.js';
import {
  MalformedUpstreamError,
  UnsupportedRequestError,
  UpstreamStreamError,
  type TokenUsage,
  type TranslateContext,
} from '../providers/provider-adapter.js';
import { SseParser } from '../providers/sse-parser.js';
import {
  headerValue,
  UpstreamClient,
  type BufferedUpstreamResponse,
  type UpstreamResponse,
} from '../providers/upstream-client.js';
import { DeploymentHealthRegistry } from './deployment-health.js';
import {
  GATEWAY_OBSERVER,
  type AttemptObservation,
  type GatewayObserver,
  type RequestObservation,
} from './gateway-observer.js';
import { GATEWAY_OPTIONS, type GatewayOptions } from './gateway.options.js';
import {
  BUDGET_GATE,
  type AttemptEstimate,
  type BudgetGate,
  type BudgetRefusal,
  type RequestBudgets,
  type Reservation,
} from '../budgets/budget-gate.js';
import type { ApiKeyRecord } from '../keys/api-key.types.js';
import { KeyRateLimiter } from '../keys/key-rate-limiter.js';
import { estimateRequestInputTokens } from '../providers/token-estimate.js';
import { AttemptAbort, type CallerConnection } from './caller-connection.js';
import { recordedPlan } from './recorded-plan.js';
import type { ResponseSink } from './response-sink.js';
import { RoutePlanner, type PlannedCandidate, type RoutePlan } from './route-planner.js';

/** Who is calling and how to tell that they left. */
export interface CallContext {
  readonly requestId: string;
  /** The caller's API key (null only where keys are not enforced: tests of the HTTP surface). */
  readonly key: ApiKeyRecord | null;
  /** Says when the caller disconnects. */
  readonly caller: CallerConnection;
  /** `performance.now()` when the request reached Stilts. */
  readonly receivedAt: number;
  /** W3C trace context sent by the caller. */
  readonly traceparent?: string | undefined;
  readonly tracestate?: string | undefined;
}

interface NextCandidate {
  readonly pick: PlannedCandidate;
  readonly index: number;
  /** How long the deployment asked us to wait (Retry-After); 0 when it can be called now. */
  readonly waitMs: number;
}

/** Abort reasons, compared by identity. */
const TIMEOUT = Symbol('timeout');
const CALLER_GONE = Symbol('caller gone');
/**
 * Destroys an upstream body that is no longer read (the stream's last event came before its
 * end, or the attempt failed): one shared error, not one with a stack trace per request.
 */
const BODY_NOT_READ = new Error('the gateway stopped reading this upstream body');

/** Why an attempt failed, in terms of the routing core and of the ledger. */
interface AttemptFailure {
  readonly failure: UpstreamFailure;
  readonly outcome: AttemptOutcome;
  readonly httpStatus: number | null;
  readonly errorType: string | null;
  /** Safe to show the caller: no secrets, upstream text already scrubbed by the adapter. */
  readonly message: string;
  readonly retryAfterMs: number | undefined;
  /** What the caller received before a stream failed: billed, never $0. */
  readonly usage?: TokenUsage;
}

interface AttemptSuccess {
  readonly usage: TokenUsage;
  readonly ttftMs: number | null;
}

type AttemptResult =
  | { readonly ok: true; readonly success: AttemptSuccess }
  | { readonly ok: false; readonly failed: AttemptFailure };

/** Per-request state shared by the attempts of one request. */
interface RequestState {
  readonly route: ResolvedRoute;
  readonly plan: RoutePlan;
  readonly request: ChatCompletionRequest;
  readonly context: CallContext;
  readonly sink: ResponseSink;
  readonly translate: TranslateContext;
  readonly deadlineAt: number;
  readonly stream: boolean;
  readonly observation: RequestObservation;
  /** The budgets that apply to this request, or null when none do. */
  readonly budgets: RequestBudgets | null;
  /** Worst-case size of an attempt, for budget reservations (computed on first use). */
  estimate: AttemptEstimate | undefined;
  /** Name of the `degrade` budget that sent this request to a cheap deployment. */
  degradedBy: string | null;
  attempts: number;
  /** Set once the first byte of a stream reached the caller: no more failover. */
  committed: boolean;
  /** Time spent waiting on upstreams, ms. */
  upstreamMs: number;
  /** The deployment whose answer the caller got. */
  answeredBy: string | null;
}

const OUTCOME_BY_KIND: Record<UpstreamFailure['kind'], AttemptOutcome> = {
  http: 'server_error',
  timeout: 'timeout',
  connection: 'connection_error',
  malformed: 'malformed',
};

function outcomeOf(failure: UpstreamFailure): AttemptOutcome {
  if (failure.kind !== 'http') return OUTCOME_BY_KIND[failure.kind];
  if (failure.status === 429) return 'rate_limited';
  const cls = classifyFailure(failure);
  if (cls === 'caller') return 'caller_error';
  if (cls === 'misconfigured') return 'misconfigured';
  return 'server_error';
}

/** True when a chunk carries something the caller should see as the first byte. */
function hasContent(chunk: ChatCompletionChunk): boolean {
  if (chunk.usage) return true;
  for (const choice of chunk.choices) {
    const d = choice.delta;
    if (
      choice.finish_reason !== null ||
      (d.content != null && d.content !== '') ||
      d.tool_calls ||
      d.refusal
    ) {
      return true;
    }
  }
  return false;
}

/**
 * The attempt loop of DESIGN.md: plan a candidate order, call deployments one at a time within
 * the route's deadline and attempt budget, fail over on retryable errors, return a caller's
 * error at once, stream with failover until the first byte, record every attempt.
 */
@Injectable()
export class GatewayService {
  private readonly logger = new Logger(GatewayService.name);
  private readonly planner: RoutePlanner;
  private readonly retryPolicy: RetryPolicyOptions;

  constructor(
    private readonly catalog: CatalogService,
    private readonly upstream: UpstreamClient,
    private readonly health: DeploymentHealthRegistry,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    @Inject(CALL_RECORDER) private readonly recorder: CallRecorder,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RNG) private readonly rng: Rng,
    @Inject(GATEWAY_OBSERVER) private readonly observer: GatewayObserver,
    @Inject(BUDGET_GATE) private readonly budgetGate: BudgetGate,
    private readonly limiter: KeyRateLimiter,
    planner: RoutePlanner,
  ) {
    this.planner = planner;
    this.retryPolicy = {
      maxAttempts: options.maxAttempts,
      backoff: options.backoff,
      maxRetryAfterMs: options.maxRetryAfterMs,
    };
  }

  /** Lists the routes callers can name in `model`. */
  models(): { id: string; created: number; description: string }[] {
    return [...this.catalog.current.routes()].map((r) => ({
      id: r.name,
      created: this.options.startedAt,
      description: r.definition.description,
    }));
  }

  /** Serves one chat completion, streamed or not. Throws GatewayError before anything is sent. */
  async complete(
    request: ChatCompletionRequest,
    context: CallContext,
    sink: ResponseSink,
  ): Promise<void> {
    const route = this.catalog.current.route(request.model);
    const observation = this.observer.requestStarted({
      requestId: context.requestId,
      route: route?.name ?? null,
      stream: request.stream === true,
      traceparent: context.traceparent,
      tracestate: context.tracestate,
      receivedAt: context.receivedAt,
    });
    let state: RequestState | undefined;
    try {
      if (!route) {
        throw new GatewayError(
          404,
          'model_not_found',
          `The model \`${request.model}\` does not exist.`,
          {
            param: 'model',
          },
        );
      }
      const now = this.clock.now();
      state = {
        route,
        plan: this.planner.plan(route),
        request,
        context,
        sink,
        translate: {
          id: `chatcmpl-${context.requestId.replace(/-/g, '')}`,
          created: Math.floor(now / 1000),
          model: request.model,
        },
        deadlineAt: now + route.definition.deadlineMs,
        stream: request.stream === true,
        observation,
        budgets: this.budgetGate.forRequest({
          keyId: context.key?.id ?? null,
          teamId: context.key?.teamId ?? null,
          route: route.name,
        }),
        estimate: undefined,
        degradedBy: null,
        attempts: 0,
        committed: false,
        upstreamMs: 0,
        answeredBy: null,
      };
      await this.run(state);
      observation.finished({
        status: 200,
        errorCode: null,
        attempts: state.attempts,
        deploymentId: state.answeredBy,
        upstreamMs: state.upstreamMs,
      });
    } catch (error) {
      observation.finished({
        status: state?.committed ? 200 : isGatewayError(error) ? error.status : 500,
        errorCode: isGatewayError(error) ? error.code : 'internal_error',
        attempts: state?.attempts ?? 0,
        deploymentId: state?.answeredBy ?? null,
        upstreamMs: state?.upstreamMs ?? 0,
      });
      throw error;
    }
  }

  private async run(state: RequestState): Promise<void> {
    const { plan, route } = state;
    const maxAttempts = Math.min(route.definition.maxAttempts, this.options.maxAttempts);
    const policy = { ...this.retryPolicy, maxAttempts };
    const summaries: AttemptSummary[] = [];
    const unsupported: UnsupportedRequestError[] = [];
    const tried = new Set<ResolvedMember>();
    const budgetRefusals: BudgetRefusal[] = [];
    let retryIndex = 0;
    let next = this.nextCandidate(plan, 0);
    // Bounds the loop when breakers refuse admission between look-up and acquire.
    let refusals = 0;

    while (next && refusals <= plan.candidates.length) {
      const { member, probability } = next.pick;
      const cursor = next.index + 1;
      const health = this.health.get(member.deployment.id);
      if (!health.tryAcquire()) {
        refusals++;
        next = this.nextCandidate(plan, cursor);
        continue;
      }
      let reservation: Reservation | undefined;
      if (state.budgets) {
        state.estimate ??= this.estimate(state.request);
        const pending = state.budgets.reserve(member.deployment, state.estimate);
        // Usually settled in memory, without a promise: only a lease request is awaited.
        const reserved = pending instanceof Promise ? await pending : pending;
        if (!reserved.ok) {
          // Not an attempt: the budgets do not allow this deployment; try another.
          health.breaker.release();
          budgetRefusals.push(reserved.refusal);
          // A spent `degrade` budget sends the request on to a cheaper deployment: say so.
          if (reserved.refusal.budget.action === 'degrade') {
            state.degradedBy ??= reserved.refusal.budget.name;
          }
          tried.add(member);
          next = this.nextUntried(plan, cursor, tried);
          continue;
        }
        reservation = reserved.reservation;
        if (reservation.degradedBy !== null) state.degradedBy = reservation.degradedBy;
      }

      const attemptNo = ++state.attempts;
      const startedAt = this.clock.now();
      const t0 = performance.now();
      const observed = state.observation.attemptStarted(member, attemptNo);
      let result: AttemptResult;
      try {
        result = state.stream
          ? await this.streamAttempt(state, member, attemptNo, observed)
          : await this.jsonAttempt(state, member, attemptNo, observed);
      } catch (error) {
        health.breaker.release();
        reservation?.release();
        state.attempts--;
        if (!(error instanceof UnsupportedRequestError)) throw error;
        // Not an upstream call: this deployment cannot express the request; try another.
        unsupported.push(error);
        tried.add(member);
        next = this.nextUntried(plan, cursor, tried);
        continue;
      }
      const elapsed = performance.now() - t0;
      const latencyMs = Math.round(elapsed);
      state.upstreamMs += elapsed;
      tried.add(member);

      if (result.ok) {
        health.breaker.success();
        state.answeredBy = member.deployment.id;
        this.recordAttempt(
          state,
          member,
          attemptNo,
          startedAt,
          latencyMs,
          probability,
          observed,
          reservation,
          {
            outcome: 'success',
            httpStatus: 200,
            errorType: null,
            usage: result.success.usage,
            ttftMs: result.success.ttftMs,
          },
        );
        return;
      }

      const failed = result.failed;
      if (state.committed) state.answeredBy = member.deployment.id;
      this.recordAttempt(
        state,
        member,
        attemptNo,
        startedAt,
        latencyMs,
        probability,
        observed,
        reservation,
        {
          outcome: failed.outcome,
          httpStatus: failed.httpStatus,
          errorType: failed.errorType,
          usage: failed.usage,
          ttftMs: null,
        },
      );
      if (failed.outcome === 'aborted') {
        health.breaker.release();
        return;
      }
      const cls = classifyFailure(failed.failure);
      if (cls === 'caller') {
        health.breaker.release();
        if (state.committed) return;
        throw new GatewayError(failed.httpStatus ?? 400, 'upstream_caller_error', failed.message, {
          headers: this.attemptHeaders(state, member, state.attempts),
        });
      }
      if (cls === 'misconfigured') {
        health.breaker.trip();
        this.logger.warn({
          requestId: state.context.requestId,
          msg: `deployment ${member.deployment.id} answered HTTP ${failed.httpStatus}: check its credentials; circuit opened`,
        });
      } else {
        health.breaker.failure();
      }
      const pausedUntil = deploymentCooldownUntil(this.clock.now(), failed.retryAfterMs);
      if (pausedUntil !== undefined) health.pause(pausedUntil);
      // The stream already reached the caller and was ended with an error event.
      if (state.committed) return;

      summaries.push({
        deployment: member.deployment.id,
        provider: member.provider.id,
        outcome: failed.outcome,
        status: failed.httpStatus,
        message: failed.message,
      });
      next = this.nextCandidate(plan, cursor);
      if (!next) break;
      const revisit = tried.has(next.pick.member) || next.waitMs > 0;
      const decision = decideRetry(
        {
          failure: failed.failure,
          attemptsMade: state.attempts,
          now: this.clock.now(),
          deadlineAt: state.deadlineAt,
          ...(next.waitMs > 0 ? { retryAfterMs: next.waitMs } : {}),
          sameTarget: revisit,
          retryIndex,
        },
        policy,
        this.rng,
      );
      if (decision.action === 'stop') break;
      if (decision.delayMs > 0) {
        retryIndex++;
        if (!(await state.context.caller.pause(decision.delayMs))) return; // the caller left
      }
    }

    if (state.attempts === 0 && budgetRefusals.length > 0)
      throw this.budgetExceeded(state, budgetRefusals);
    if (state.attempts === 0 && unsupported.length > 0) {
      const first = unsupported[0] as UnsupportedRequestError;
      throw new GatewayError(400, 'invalid_request', first.message, { param: first.param });
    }
    throw this.allFailed(state, summaries);
  }

  /**
   * The next candidate at or after `cursor` (wrapping around) that can take a call now; failing
   * that, the first one whose breaker admits calls but that asked us to wait (Retry-After),
   * with how long.
   */
  private nextCandidate(plan: RoutePlan, cursor: number): NextCandidate | undefined {
    const n = plan.candidates.length;
    const now = this.clock.now();
    let paused: NextCandidate | undefined;
    for (let k = 0; k < n; k++) {
      const index = (cursor + k) % n;
      const pick = plan.candidates[index] as PlannedCandidate;
      const health = this.health.get(pick.member.deployment.id);
      if (!health.circuitAvailable()) continue;
      const waitMs = health.pausedUntil - now;
      if (waitMs <= 0) return { pick, index, waitMs: 0 };
      paused ??= { pick, index, waitMs };
    }
    return paused;
  }

  /** The next candidate not tried yet, for requests some deployments cannot express. */
  private nextUntried(
    plan: RoutePlan,
    cursor: number,
    tried: ReadonlySet<ResolvedMember>,
  ): NextCandidate | undefined {
    const n = plan.candidates.length;
    for (let k = 0; k < n; k++) {
      const index = (cursor + k) % n;
      const pick = plan.candidates[index] as PlannedCandidate;
      if (!tried.has(pick.member)) return { pick, index, waitMs: 0 };
    }
    return undefined;
  }

  private nothingAvailable(state: RequestState): GatewayError {
    const { plan, route } = state;
    const headers = { 'x-request-id': state.context.requestId, 'x-stilts-attempts': '0' };
    const paused = plan.excluded.filter((e) => e.reason === 'paused');
    if (paused.length > 0 && paused.length === plan.excluded.length) {
      const until = Math.min(
        ...paused.map((e) => this.health.get(e.member.deployment.id).pausedUntil),
      );
      const seconds = Math.max(1, Math.ceil((until - this.clock.now()) / 1000));
      return new GatewayError(
        429,
        'rate_limited',
        `Every deployment of \`${route.name}\` is rate limited; retry after ${seconds} s.`,
        { headers: { ...headers, 'retry-after': String(seconds) } },
      );
    }
    const reasons = plan.excluded.map((e) => `${e.member.deployment.id}: ${e.reason}`).join('; ');
    return new GatewayError(
      503,
      'no_available_deployment',
      `No deployment of \`${route.name}\` can take calls now (${reasons || 'none configured'}).`,
      { headers: { ...headers, 'retry-after': '1' } },
    );
  }

  private allFailed(state: RequestState, summaries: readonly AttemptSummary[]): GatewayError {
    if (summaries.length === 0) return this.nothingAvailable(state);
    const headers = {
      'x-request-id': state.context.requestId,
      'x-stilts-attempts': String(state.attempts),
    };
    const detail = summaries
      .map((s, i) => `${i + 1}) ${s.deployment}: ${s.status ?? s.outcome} ${s.message}`)
      .join('; ');
    const n = summaries.length;
    if (summaries.every((s) => s.outcome === 'timeout')) {
      return new GatewayError(
        504,
        'upstream_timeout',
        `Upstream timed out (${n} attempts): ${detail}`,
        {
          headers,
          attempts: summaries,
        },
      );
    }
    if (summaries.every((s) => s.outcome === 'rate_limited')) {
      return new GatewayError(429, 'rate_limited', `Every attempt was rate limited: ${detail}`, {
        headers: { ...headers, 'retry-after': '1' },
        attempts: summaries,
      });
    }
    return new GatewayError(
      503,
      'all_deployments_failed',
      `All ${n} attempt${n === 1 ? '' : 's'} failed: ${detail}`,
      { headers: { ...headers, 'retry-after': '1' }, attempts: summaries },
    );
  }

  private attemptHeaders(
    state: RequestState,
    member: ResolvedMember,
    attempts: number,
  ): Record<string, string> {
    const headers: Record<string, string> = {
      'x-provider': member.provider.id,
      'x-stilts-deployment': member.deployment.id,
      'x-stilts-attempts': String(attempts),
      'x-request-id': state.context.requestId,
    };
    if (state.degradedBy !== null) headers['x-stilts-budget-degraded'] = state.degradedBy;
    return headers;
  }

  /** The worst case of one attempt: the prompt (estimated conservatively) and the output cap. */
  private estimate(request: ChatCompletionRequest): AttemptEstimate {
    return {
      inputTokens: estimateRequestInputTokens(request),
      maxOutputTokens:
        request.max_completion_tokens ?? request.max_tokens ?? this.options.defaultMaxOutputTokens,
    };
  }

  private budgetExceeded(state: RequestState, refusals: readonly BudgetRefusal[]): GatewayError {
    const { budget, resetsAt } = refusals[0] as BudgetRefusal;
    const scope = budget.scope === 'global' ? 'global' : `${budget.scope} ${budget.scopeRef ?? ''}`;
    const seconds = Math.max(1, Math.ceil((resetsAt - this.clock.now()) / 1000));
    return new GatewayError(
      429,
      'budget_exceeded',
      `Budget "${budget.name}" (${scope}) is spent for this ${budget.period}; it resets at ${new Date(resetsAt).toISOString()}.`,
      {
        type: 'insufficient_quota',
        headers: {
          'x-request-id': state.context.requestId,
          'x-stilts-attempts': String(state.attempts),
          'retry-after': String(seconds),
        },
      },
    );
  }

  private recordAttempt(
    state: RequestState,
    member: ResolvedMember,
    attempt: number,
    startedAt: number,
    latencyMs: number,
    propensity: number,
    observed: AttemptObservation,
    reservation: Reservation | undefined,
    result: {
      outcome: AttemptOutcome;
      httpStatus: number | null;
      errorType: string | null;
      usage: TokenUsage | undefined;
      ttftMs: number | null;
    },
  ): void {
    const usage = result.usage;
    const cost = usage ? costMicroUsd(usage, member.deployment.price) : 0;
    const charges = reservation?.settle(cost);
    const key = state.context.key;
    if (key && usage) this.limiter.addTokens(key.id, usage.inputTokens + usage.outputTokens);
    const record: AttemptRecord = {
      requestId: state.context.requestId,
      attempt,
      startedAt,
      route: state.route.name,
      deploymentId: member.deployment.id,
      providerId: member.provider.id,
      apiKeyId: key?.id ?? null,
      outcome: result.outcome,
      httpStatus: result.httpStatus,
      errorType: result.errorType,
      latencyMs,
      ttftMs: result.ttftMs,
      inputTokens: usage?.inputTokens ?? 0,
      outputTokens: usage?.outputTokens ?? 0,
      costMicroUsd: cost,
      propensity,
      snapshotVersion: state.plan.snapshotVersion,
      streamed: state.stream,
      plan: attempt === 1 ? recordedPlan(state.plan) : null,
      ...(charges && charges.length > 0 ? { budgetCharges: charges } : {}),
    };
    this.recorder.record(record);
    observed.ended(record);
  }

  private async jsonAttempt(
    state: RequestState,
    member: ResolvedMember,
    attemptNo: number,
    observed: AttemptObservation,
  ): Promise<AttemptResult> {
    const upstreamRequest = member.adapter.buildRequest(state.request, member.target, false);
    if (observed.upstreamHeaders) Object.assign(upstreamRequest.headers, observed.upstreamHeaders);
    const controller = new AttemptAbort();
    const timeoutMs = Math.min(member.deployment.timeoutMs, state.deadlineAt - this.clock.now());
    const timer = setTimeout(() => controller.abort(TIMEOUT), Math.max(1, timeoutMs));
    const unlink = state.context.caller.onLeave(() => controller.abort(CALLER_GONE));
    try {
      const response = await this.upstream.sendBuffered(upstreamRequest, controller);
      if (response.statusCode >= 300) {
        return {
          ok: false,
          failed: this.httpFailure(
            member,
            response.statusCode,
            response.headers,
            response.body.toString('utf8'),
          ),
        };
      }
      let body: unknown;
      try {
        body = JSON.parse(response.body.toString('utf8'));
      } catch {
        return { ok: false, failed: malformed('upstream body is not JSON') };
      }
      const parsed = member.adapter.parseResponse(body, state.translate, state.request);
      const cost = costMicroUsd(parsed.usage, member.deployment.price);
      state.sink.sendJson(
        200,
        {
          ...this.attemptHeaders(state, member, attemptNo),
          'x-stilts-cost-usd': formatMicroUsd(cost),
          'content-type': 'application/json',
        },
        JSON.stringify(parsed.completion),
      );
      return { ok: true, success: { usage: parsed.usage, ttftMs: null } };
    } catch (error) {
      if (error instanceof UnsupportedRequestError) throw error;
      return {
        ok: false,
        failed: this.failureFrom(error, controller, state.context.requestId),
      };
    } finally {
      clearTimeout(timer);
      unlink();
    }
  }

  /**
   * One streamed attempt. Chunks are held back until one carries content, so an upstream that
   * fails before its first token is failed over without the caller noticing; after that, the
   * attempt owns the caller's stream.
   */
  private async streamAttempt(
    state: RequestState,
    member: ResolvedMember,
    attemptNo: number,
    observed: AttemptObservation,
  ): Promise<AttemptResult> {
    const upstreamRequest = member.adapter.buildRequest(state.request, member.target, true);
    if (observed.upstreamHeaders) Object.assign(upstreamRequest.headers, observed.upstreamHeaders);
    const translator = member.adapter.createStreamTranslator(state.request, state.translate);
    const controller = new AttemptAbort();
    const t0 = performance.now();
    const firstByteMs = Math.min(
      member.deployment.firstByteTimeoutMs,
      state.deadlineAt - this.clock.now(),
    );
    // Before the first token: the first-byte timeout; after it: an idle timeout, re-armed per chunk.
    const timer = setTimeout(() => controller.abort(TIMEOUT), Math.max(1, firstByteMs));
    const unlink = state.context.caller.onLeave(() => controller.abort(CALLER_GONE));
    const sink = state.sink;
    const pending: ChatCompletionChunk[] = [];
    let response: UpstreamResponse | undefined;
    let ttftMs: number | null = null;
    let idle: NodeJS.Timeout | undefined;

    const commit = async (): Promise<void> => {
      ttftMs = Math.round(performance.now() - t0);
      state.committed = true;
      state.observation.firstByte?.();
      clearTimeout(timer);
      idle = setTimeout(() => controller.abort(TIMEOUT), this.options.streamIdleTimeoutMs);
      sink.startStream(
        {
          ...this.attemptHeaders(state, member, attemptNo),
          'content-type': 'text/event-stream',
        },
        ['x-stilts-cost-usd'],
      );
      for (const chunk of pending.splice(0)) await sink.write(`data: ${JSON.stringify(chunk)}\n\n`);
    };
    const forward = async (chunks: ChatCompletionChunk[]): Promise<void> => {
      for (const chunk of chunks) {
        if (state.committed) {
          await sink.write(`data: ${JSON.stringify(chunk)}\n\n`);
        } else {
          pending.push(chunk);
          if (hasContent(chunk)) await commit();
        }
      }
    };

    try {
      response = await this.upstream.send(upstreamRequest, controller);
      if (response.statusCode >= 300)
        return {
          ok: false,
          failed: this.httpFailure(
            member,
            response.statusCode,
            response.headers,
            await bodyText(response),
          ),
        };
      const parser = new SseParser();
      // Not `for await`: leaving it early destroys the body without an error, and undici then
      // builds an error with a stack trace for every stream that ends before its body does.
      const reader = (response.body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
      read: for (let next = await reader.next(); !next.done; next = await reader.next()) {
        idle?.refresh();
        for (const event of parser.push(next.value)) {
          await forward(translator.push(event));
          if (translator.done) break read;
        }
      }
      if (!translator.done) {
        for (const event of parser.end()) {
          await forward(translator.push(event));
          if (translator.done) break;
        }
      }
      if (!translator.done) throw new StreamCutError();
      if (!state.committed) await commit();
      const usage = translator.usage();
      await sink.write('data: [DONE]\n\n');
      sink.end({
        'x-stilts-cost-usd': formatMicroUsd(costMicroUsd(usage, member.deployment.price)),
      });
      return { ok: true, success: { usage, ttftMs } };
    } catch (error) {
      if (error instanceof UnsupportedRequestError) throw error;
      const failed =
        error instanceof StreamCutError
          ? streamCut()
          : this.failureFrom(error, controller, state.context.requestId);
      if (!state.committed) return { ok: false, failed };
      // The caller already has part of the answer: end their stream with an error event and
      // bill what was delivered.
      const usage = translator.usage();
      if (failed.outcome !== 'aborted') {
        const body = {
          error: {
            message: `The upstream stream failed after it started: ${failed.message}`,
            type: 'server_error',
            code: 'stream_interrupted',
            param: null,
          },
        };
        try {
          await sink.write(`data: ${JSON.stringify(body)}\n\n`);
        } catch {
          // the caller is gone as well; nothing more to tell
        }
      }
      sink.end({
        'x-stilts-cost-usd': formatMicroUsd(costMicroUsd(usage, member.deployment.price)),
      });
      return {
        ok: false,
        failed: {
          ...failed,
          outcome: failed.outcome === 'aborted' ? 'aborted' : 'interrupted',
          usage,
        },
      };
    } finally {
      clearTimeout(timer);
      if (idle) clearTimeout(idle);
      unlink();
      if (response && !response.body.destroyed) response.body.destroy(BODY_NOT_READ);
    }
  }

  /** An answer of HTTP 300 or more, from its status, headers and body. */
  private httpFailure(
    member: ResolvedMember,
    status: number,
    headers: BufferedUpstreamResponse['headers'],
    text: string,
  ): AttemptFailure {
    const info = member.adapter.parseError(status, text);
    if (status < 400) {
      return { ...malformed(`unexpected HTTP ${status} from upstream`), httpStatus: status };
    }
    const failure: UpstreamFailure = { kind: 'http', status };
    return {
      failure,
      outcome: outcomeOf(failure),
      httpStatus: status,
      errorType: info.type,
      message: info.message,
      retryAfterMs: parseRetryAfter((name) => headerValue(headers, name), this.clock.now()),
    };
  }

  private failureFrom(error: unknown, signal: AttemptAbort, requestId: string): AttemptFailure {
    if (signal.aborted && signal.reason === TIMEOUT) {
      return {
        failure: { kind: 'timeout', phase: 'total' },
        outcome: 'timeout',
        httpStatus: null,
        errorType: 'timeout',
        message: 'no answer within the timeout',
        retryAfterMs: undefined,
      };
    }
    if (signal.aborted && signal.reason === CALLER_GONE) {
      return {
        failure: { kind: 'connection' },
        outcome: 'aborted',
        httpStatus: null,
        errorType: 'client_closed',
        message: 'the caller disconnected',
        retryAfterMs: undefined,
      };
    }
    if (error instanceof MalformedUpstreamError) return malformed(error.message);
    if (error instanceof UpstreamStreamError) {
      const failure: UpstreamFailure = { kind: 'http', status: error.status };
      return {
        failure,
        outcome: outcomeOf(failure),
        httpStatus: error.status,
        errorType: error.errorType,
        message: error.message,
        retryAfterMs: undefined,
      };
    }
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'UND_ERR_CONNECT_TIMEOUT') {
      return {
        failure: { kind: 'timeout', phase: 'connect' },
        outcome: 'timeout',
        httpStatus: null,
        errorType: 'connect_timeout',
        message: 'could not connect within the timeout',
        retryAfterMs: undefined,
      };
    }
    if (typeof code !== 'string') {
      // Not a network error: a bug in Stilts. Surface it rather than fail over silently.
      this.logger.error({ requestId, err: error, msg: 'unexpected error in an upstream attempt' });
    }
    return {
      failure: { kind: 'connection' },
      outcome: 'connection_error',
      httpStatus: null,
      errorType: typeof code === 'string' ? code : 'connection_error',
      message: 'the connection failed',
      retryAfterMs: undefined,
    };
  }
}

class StreamCutError extends Error {}

/** A streamed response's body as text ('' when it cannot be read: the status decides then). */
async function bodyText(response: UpstreamResponse): Promise<string> {
  try {
    return await response.body.text();
  } catch {
    return '';
  }
}

function malformed(message: string): AttemptFailure {
  return {
    failure: { kind: 'malformed' },
    outcome: 'malformed',
    httpStatus: 200,
    errorType: 'malformed_response',
    message,
    retryAfterMs: undefined,
  };
}

function streamCut(): AttemptFailure {
  return {
    failure: { kind: 'connection' },
    outcome: 'connection_error',
    httpStatus: 200,
    errorType: 'stream_cut',
    message: 'the upstream closed the stream before it finished',
    retryAfterMs: undefined,
  };
}
