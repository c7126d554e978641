import { readFileSync } from 'node:fs';

function readVersion(): string {
  try {
    // src/modules/telemetry and dist/modules/telemetry are both three levels below the package.
    const text = readFileSync(new URL('../../../package.json', import.meta.url), 'utf8');
    const version = (JSON.parse(text) as { version?: unknown }).version;
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The server package's version (`service.version` of spans, `stilts_build_info`). */
export const STILTS_VERSION = readVersion();
