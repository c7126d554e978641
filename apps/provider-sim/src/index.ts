export {
  startProviderSim,
  type ProviderSim,
  type ProviderSimOptions,
} from './server/provider-sim.server.js';
export {
  parseScenario,
  isScenarioError,
  ScenarioError,
  type Scenario,
  type ScenarioProvider,
  type ScenarioIssue,
  type Behaviour,
  type BehaviourWindow,
  type LatencySpec,
  type OutageSpec,
} from './scenario/scenario.schema.js';
export { loadScenarioFile, builtinScenarioPath } from './scenario/scenario-file.js';
export type { SimStats, ProviderStats, SimOutcome } from './server/sim-stats.js';
export type { RecordedRequest } from './server/request-log.js';
export type { WireFormatName } from './formats/wire-format.js';
