// jsdom with the Fetch API of Node (Request, Response, Headers, fetch, FormData) and Node's
// AbortController, as browsers have them: React Router builds a Request per navigation, and
// Node's Request only accepts Node's AbortSignal. Plain JavaScript: Jest loads environments
// without its transform.
import { TestEnvironment } from 'jest-environment-jsdom';

export default class JsdomWithFetchEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of [
      'Request',
      'Response',
      'Headers',
      'fetch',
      'FormData',
      'AbortController',
      'AbortSignal',
      'TextEncoder',
      'TextDecoder',
      'ReadableStream',
      'structuredClone',
    ]) {
      this.global[name] = globalThis[name];
    }
  }
}
