/** Nested schemas deeper than this get a placeholder, so a self-referencing schema cannot loop. */
const MAX_DEPTH = 8;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The schema's type, lower-cased (Gemini writes `STRING`), ignoring `null` in a type list. */
function schemaType(schema: Record<string, unknown>): string | undefined {
  const type = schema['type'];
  if (typeof type === 'string') return type.toLowerCase();
  if (Array.isArray(type)) {
    const first = type.find(
      (t): t is string => typeof t === 'string' && t.toLowerCase() !== 'null',
    );
    return first?.toLowerCase();
  }
  return undefined;
}

function valueFor(schema: unknown, depth: number): unknown {
  if (!isRecord(schema) || depth > MAX_DEPTH) return 'example';
  const enumValues = schema['enum'];
  if (Array.isArray(enumValues) && enumValues.length > 0) return enumValues[0];
  if ('const' in schema) return schema['const'];
  for (const key of ['anyOf', 'oneOf', 'allOf']) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) return valueFor(options[0], depth + 1);
  }
  switch (schemaType(schema)) {
    case 'string':
      return 'example';
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array':
      return schema['items'] === undefined ? [] : [valueFor(schema['items'], depth + 1)];
    case 'object':
      return objectFor(schema, depth + 1);
    default:
      return isRecord(schema['properties']) ? objectFor(schema, depth + 1) : 'example';
  }
}

function objectFor(schema: Record<string, unknown>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const required = schema['required'];
  if (!Array.isArray(required)) return out;
  const properties = isRecord(schema['properties']) ? schema['properties'] : {};
  for (const name of required) {
    if (typeof name !== 'string') continue;
    out[name] = valueFor(properties[name], depth);
  }
  return out;
}

/**
 * Synthesises tool-call arguments from a JSON schema (OpenAI `parameters`, Anthropic
 * `input_schema`, Gemini `parameters`): every `required` property gets a value of its type
 * (strings "example", numbers 1, booleans true, the first `enum` value, nested objects
 * recursively); optional properties are left out. A missing schema gives `{}`.
 */
export function synthesiseArguments(schema: unknown): Record<string, unknown> {
  return isRecord(schema) ? objectFor(schema, 0) : {};
}
