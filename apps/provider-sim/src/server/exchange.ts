import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Rng } from '@stilts/routing';
import type { ErrorReply, ReplyContext } from '../formats/wire-format.js';
import { drawFault, outageFault, sampleLatencyMs, type Fault } from '../faults/fault-plan.js';
import { planReply, type ChatRequest } from '../reply/reply-planner.js';
import type { ProviderTimeline, ResolvedBehaviour } from '../scenario/behaviour-timeline.js';
import { sendJson } from './http-response.js';
import type { RequestLogEntry } from './request-log.js';
import type { Route } from './route.js';
import type { SimOutcome } from './sim-stats.js';

/** What an {@link Exchange} needs from the server that owns it. */
export interface ExchangeHost {
  /** Scenario seconds now (after `loopS` wrapping). */
  scenarioSeconds(): number;
  /** Unix seconds now, from the simulator clock. */
  nowSeconds(): number;
  /** The Rng for the `n`-th request to `providerId`. */
  rngFor(providerId: string, n: number): Rng;
  /** Counts the outcome and notes it in the request log. */
  record(exchange: Exchange, outcome: SimOutcome, status: number): void;
  /** Runs `fn` after `ms` real milliseconds (at once when `ms` <= 0); cancelled on close. */
  after(ms: number, fn: () => void): void;
}

/** Cuts the JSON of the first framed event in half, so the client gets unparseable data. */
function breakEvent(framed: string): string {
  const dataAt = framed.indexOf('data: ');
  if (dataAt === -1) return framed.slice(0, Math.max(1, Math.floor(framed.length / 2)));
  const jsonStart = dataAt + 6;
  const jsonEnd = framed.indexOf('\n', jsonStart);
  const json = framed.slice(jsonStart, jsonEnd === -1 ? framed.length : jsonEnd);
  return `${framed.slice(0, jsonStart)}${json.slice(0, Math.max(1, Math.floor(json.length / 2)))}\n\n`;
}

/** One request to one provider, from arrival to the last byte. */
export class Exchange {
  stream = false;

  constructor(
    private readonly sim: ExchangeHost,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    readonly provider: ProviderTimeline,
    readonly route: Route,
    readonly entry: RequestLogEntry,
    private readonly query: string,
  ) {}

  fail(outcome: SimOutcome, error: ErrorReply, headers?: Record<string, string>): void {
    this.sim.record(this, outcome, error.status);
    sendJson(this.res, error.status, error.body, headers);
  }

  private destroy(outcome: SimOutcome): void {
    this.sim.record(this, outcome, 0);
    this.req.socket.destroy();
  }

  run(n: number): void {
    const { format } = this.route;
    const behaviour = this.provider.behaviourAt(this.sim.scenarioSeconds());

    // An outage fails everything at once, before authentication: the provider is "down".
    const outage = outageFault(behaviour);
    if (outage?.kind === 'outage_reset') return this.destroy('outage');
    if (outage?.kind === 'outage') return this.fail('outage', format.error(outage.status));

    if (this.provider.apiKey !== undefined) {
      const key = format.presentedKey(this.req.headers, this.query);
      if (key !== this.provider.apiKey) {
        return this.fail('unauthorized', format.authFailure(key === undefined || key === ''));
      }
    }
    const headerError = format.checkHeaders?.(this.req.headers);
    if (headerError !== undefined) return this.fail('bad_request', headerError);

    if (this.route.kind === 'models') {
      const models = this.provider.models ?? [];
      this.sim.record(this, 'ok', 200);
      sendJson(this.res, 200, format.modelList(models, this.sim.nowSeconds()));
      return;
    }

    const body = this.entry.body;
    if (body === undefined || typeof body === 'string') {
      return this.fail(
        'bad_request',
        format.error(400, 'We could not parse the JSON body of your request.'),
      );
    }
    const parsed = format.parse(
      body,
      this.route.kind === 'chat' ? this.route.pathModel : undefined,
      this.query,
    );
    if (!parsed.ok) return this.fail('bad_request', parsed.error);
    const request = parsed.request;
    if (this.route.kind === 'chat' && this.route.geminiStream !== undefined) {
      request.stream = this.route.geminiStream;
    }
    this.stream = request.stream;

    const models = this.provider.models;
    if (models !== undefined && !models.includes(request.model)) {
      return this.fail(
        'not_found',
        format.error(
          404,
          `The model '${request.model}' does not exist or you do not have access to it.`,
          'model',
        ),
      );
    }

    const rng = this.sim.rngFor(this.provider.id, n);
    const latencyMs = sampleLatencyMs(behaviour.latency, rng);
    const fault = drawFault(behaviour, request.stream, rng);
    this.sim.after(latencyMs, () => this.answer(request, fault, rng, behaviour));
  }

  private answer(request: ChatRequest, fault: Fault, rng: Rng, behaviour: ResolvedBehaviour): void {
    if (this.res.destroyed) return;
    const { format } = this.route;
    switch (fault.kind) {
      case 'reset':
        return this.destroy('reset');
      case 'rate_limited': {
        const headers: Record<string, string> = {};
        if (fault.retryAfterS !== undefined) {
          headers['retry-after'] = String(Math.ceil(fault.retryAfterS));
        }
        if (fault.retryAfterMs !== undefined)
          headers['retry-after-ms'] = String(fault.retryAfterMs);
        return this.fail('rate_limited', format.error(429), headers);
      }
      case 'error':
        return this.fail('error', format.error(fault.status));
      default:
        break;
    }

    const reply = planReply(request, behaviour, this.provider.id, rng);
    const ctx: ReplyContext = {
      providerId: this.provider.id,
      model: request.model,
      created: this.sim.nowSeconds(),
      chunkTokens: behaviour.chunkTokens,
    };
    if (!request.stream) {
      const body = format.completion(reply, ctx);
      if (fault.kind === 'malformed') {
        this.sim.record(this, 'malformed', 200);
        sendJson(this.res, 200, body.slice(0, Math.floor(body.length / 2)));
        return;
      }
      this.sim.record(this, 'ok', 200);
      sendJson(this.res, 200, body);
      return;
    }
    this.sendStream(format.stream(reply, ctx, request, this.query), fault, behaviour.interChunkMs);
  }

  /**
   * Writes a stream, shaped by the fault: broken first event (`malformed`), silence after some
   * events (`stall`), a destroyed socket (`cut`) or an in-band error event (`stream_error`).
   * Fault positions are clamped before the final event, so a faulty stream never looks complete.
   */
  private sendStream(events: string[], fault: Fault, interChunkMs: number): void {
    const res = this.res;
    const { format } = this.route;
    const lastIndex = Math.max(0, events.length - 1);
    let toSend = events;
    let ending: 'end' | 'stall' | 'cut' = 'end';
    let outcome: SimOutcome = 'ok';
    switch (fault.kind) {
      case 'malformed':
        toSend = [breakEvent(events[0] ?? '')];
        outcome = 'malformed';
        break;
      case 'stall':
        toSend = events.slice(0, Math.min(fault.afterChunks, lastIndex));
        ending = 'stall';
        outcome = 'stall';
        break;
      case 'cut':
        toSend = events.slice(0, Math.min(fault.afterChunks, lastIndex));
        ending = 'cut';
        outcome = 'cut';
        break;
      case 'stream_error': {
        const at = Math.min(fault.afterChunks, lastIndex);
        toSend = events.slice(0, at);
        toSend.push(format.streamError(at, this.query));
        outcome = 'stream_error';
        break;
      }
      default:
        break;
    }
    this.sim.record(this, outcome, 200);
    res.writeHead(200, {
      'content-type': format.streamContentType(this.query),
      'cache-control': 'no-cache',
    });

    const finish = (): void => {
      if (ending === 'end') res.end();
      else if (ending === 'cut') this.cut();
      else res.flushHeaders(); // stall: at least the headers go out, then silence
    };

    if (interChunkMs <= 0 || toSend.length <= 1) {
      if (ending === 'end') {
        res.end(toSend.join(''));
        return;
      }
      if (toSend.length > 0) res.write(toSend.join(''));
      finish();
      return;
    }
    let i = 0;
    const tick = (): void => {
      if (res.destroyed) return;
      res.write(toSend[i++] ?? '');
      if (i < toSend.length) this.sim.after(interChunkMs, tick);
      else finish();
    };
    tick();
  }

  /** Ends the TCP connection mid-body: written bytes are flushed, then the socket is destroyed. */
  private cut(): void {
    const socket = this.req.socket;
    this.res.flushHeaders();
    socket.end(() => socket.destroy());
  }
}
