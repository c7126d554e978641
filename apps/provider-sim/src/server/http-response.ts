import type { ServerResponse } from 'node:http';

const JSON_CONTENT = 'application/json';

/** Sends a complete JSON answer, unless the response is already under way or gone. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: string,
  extra?: Record<string, string>,
): void {
  if (res.destroyed || res.headersSent) return;
  const headers: Record<string, string | number> = {
    'content-type': JSON_CONTENT,
    'content-length': Buffer.byteLength(body),
  };
  if (extra) Object.assign(headers, extra);
  res.writeHead(status, headers);
  res.end(body);
}
