/**
 * `@stilts/admin-contract`: the admin REST API's contract, shared by the server and the
 * dashboard. Framework-free (only zod), so it runs in Node and in the browser.
 */
export * from './common.js';
export * from './session.js';
export * from './catalog.js';
export * from './weights.js';
export * from './calls.js';
export * from './metrics.js';
export * from './live.js';
export * from './keys.js';
export * from './budgets.js';
export * from './endpoints.js';
export * from './openapi.js';
