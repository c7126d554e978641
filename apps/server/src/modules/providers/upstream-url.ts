const TRAILING_SLASHES = /\/+$/;

/**
 * Appends `path` to the base URL's path, whether or not the base ends with `/` (`new URL(path,
 * base)` would drop the base's last segment when it does not). The base's query string, e.g.
 * Azure's `api-version`, is kept; `search` (`key=value`) is added to it.
 */
export function endpointUrl(baseUrl: URL, path: string, search?: string): URL {
  const url = new URL(baseUrl.href);
  url.pathname = `${url.pathname.replace(TRAILING_SLASHES, '')}/${path}`;
  if (search !== undefined) url.search = url.search ? `${url.search}&${search}` : `?${search}`;
  return url;
}

/**
 * Adds the provider's configured headers to `headers`, overriding defaults of the same name
 * whatever their case (HTTP header names are case-insensitive; two spellings would send both).
 */
export function withConfiguredHeaders(
  headers: Record<string, string>,
  configured: Readonly<Record<string, string>>,
): Record<string, string> {
  for (const name in configured) {
    const value = configured[name];
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  return headers;
}
