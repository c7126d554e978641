import type {
  Behaviour,
  BehaviourWindow,
  LatencySpec,
  OutageSpec,
  Scenario,
  ScenarioProvider,
} from './scenario.schema.js';

/** A behaviour with every field decided: what one request to one provider is subject to. */
export interface ResolvedBehaviour {
  latency: LatencySpec;
  interChunkMs: number;
  outputTokens: { min: number; max: number };
  /** Overrides the estimated prompt size when set. */
  inputTokens: number | undefined;
  chunkTokens: number;
  errorRate: number;
  errorStatuses: readonly number[];
  rateLimit: { rate: number; retryAfterS?: number; retryAfterMs?: number } | undefined;
  outage: OutageSpec | undefined;
  resetRate: number;
  stall: { rate: number; afterChunks: number } | undefined;
  cutRate: number;
  cutAfterChunks: number;
  streamError: { rate: number; afterChunks: number } | undefined;
  malformedRate: number;
}

/** What a provider does when the scenario says nothing: answer at once, never fail. */
export const DEFAULT_BEHAVIOUR: Readonly<ResolvedBehaviour> = Object.freeze<ResolvedBehaviour>({
  latency: { kind: 'fixed', ms: 0 },
  interChunkMs: 0,
  outputTokens: { min: 16, max: 64 },
  inputTokens: undefined,
  chunkTokens: 1,
  errorRate: 0,
  errorStatuses: [500, 503],
  rateLimit: undefined,
  outage: undefined,
  resetRate: 0,
  stall: undefined,
  cutRate: 0,
  cutAfterChunks: 2,
  streamError: undefined,
  malformedRate: 0,
});

/** Applies the fields `patch` sets on top of `base`; a set field replaces the base one whole. */
export function applyBehaviour(base: ResolvedBehaviour, patch: Behaviour): ResolvedBehaviour {
  const out: ResolvedBehaviour = { ...base };
  if (patch.latency !== undefined) out.latency = patch.latency;
  if (patch.interChunkMs !== undefined) out.interChunkMs = patch.interChunkMs;
  if (patch.outputTokens !== undefined) {
    out.outputTokens =
      typeof patch.outputTokens === 'number'
        ? { min: patch.outputTokens, max: patch.outputTokens }
        : { min: patch.outputTokens.min, max: patch.outputTokens.max };
  }
  if (patch.inputTokens !== undefined) out.inputTokens = patch.inputTokens;
  if (patch.chunkTokens !== undefined) out.chunkTokens = patch.chunkTokens;
  if (patch.errorRate !== undefined) out.errorRate = patch.errorRate;
  if (patch.errorStatuses !== undefined) out.errorStatuses = patch.errorStatuses;
  if (patch.rateLimit !== undefined) out.rateLimit = patch.rateLimit;
  if (patch.outage !== undefined) out.outage = patch.outage;
  if (patch.resetRate !== undefined) out.resetRate = patch.resetRate;
  if (patch.stall !== undefined) out.stall = patch.stall;
  if (patch.cutRate !== undefined) out.cutRate = patch.cutRate;
  if (patch.cutAfterChunks !== undefined) out.cutAfterChunks = patch.cutAfterChunks;
  if (patch.streamError !== undefined) out.streamError = patch.streamError;
  if (patch.malformedRate !== undefined) out.malformedRate = patch.malformedRate;
  return out;
}

interface CompiledWindow {
  fromS: number;
  toS: number;
  patch: BehaviourWindow;
  /** base + this window alone, precomputed because overlaps are rare. */
  resolved: ResolvedBehaviour;
}

/**
 * One provider's behaviour over scenario time. Merges are done once at compile time, so the
 * per-request lookup is a scan over the provider's (few) windows with no allocation.
 */
export class ProviderTimeline {
  readonly id: string;
  readonly apiKey: string | undefined;
  readonly models: readonly string[] | undefined;
  private readonly base: ResolvedBehaviour;
  private readonly windows: readonly CompiledWindow[];

  constructor(id: string, provider: ScenarioProvider, defaults: Behaviour | undefined) {
    this.id = id;
    this.apiKey = provider.apiKey;
    this.models = provider.models;
    const withDefaults = defaults ? applyBehaviour(DEFAULT_BEHAVIOUR, defaults) : DEFAULT_BEHAVIOUR;
    const { windows = [], ...own } = provider.behaviour ?? {};
    this.base = applyBehaviour(withDefaults, own);
    this.windows = windows.map((w) => ({
      fromS: w.fromS,
      toS: w.toS,
      patch: w,
      resolved: applyBehaviour(this.base, w),
    }));
  }

  /** The behaviour in force `scenarioS` seconds into the (already looped) scenario. */
  behaviourAt(scenarioS: number): ResolvedBehaviour {
    let single: CompiledWindow | undefined;
    let merged: ResolvedBehaviour | undefined;
    for (const w of this.windows) {
      if (scenarioS < w.fromS || scenarioS >= w.toS) continue;
      if (single === undefined) {
        single = w;
      } else {
        // Overlapping windows apply in file order: later windows win field by field.
        merged = applyBehaviour(merged ?? single.resolved, w.patch);
      }
    }
    return merged ?? single?.resolved ?? this.base;
  }
}

/** A validated scenario compiled for fast per-request lookups. */
export class CompiledScenario {
  readonly providers: ReadonlyMap<string, ProviderTimeline>;
  readonly loopS: number | undefined;

  constructor(readonly source: Scenario) {
    this.loopS = source.loopS;
    const providers = new Map<string, ProviderTimeline>();
    for (const [id, provider] of Object.entries(source.providers)) {
      providers.set(id, new ProviderTimeline(id, provider, source.defaults));
    }
    this.providers = providers;
  }

  /** Scenario seconds for `elapsedMs` since the scenario started, wrapped by `loopS`. */
  scenarioSeconds(elapsedMs: number): number {
    const s = Math.max(0, elapsedMs) / 1000;
    return this.loopS === undefined ? s : s % this.loopS;
  }
}
