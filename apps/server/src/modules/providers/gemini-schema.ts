import { isJsonObject, type JsonObject } from './json-value.js';

/**
 * The keys of Gemini's `Schema` (an OpenAPI 3.0 subset) that are copied as they are. Gemini
 * answers 400 "Unknown name" to anything else, so the translation is an allowlist rather than
 * a list of keys to strip.
 */
const COPIED_KEYS: ReadonlySet<string> = new Set([
  'title',
  'description',
  'nullable',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'example',
  'default',
  'propertyOrdering',
]);

/** The `format` values Gemini accepts, by type; others are rejected with a 400. */
const FORMATS: Readonly<Record<string, ReadonlySet<string>>> = {
  string: new Set(['enum', 'date-time']),
  number: new Set(['float', 'double']),
  integer: new Set(['int32', 'int64']),
};

/** How deep `$ref`s are followed: recursive schemas are cut off there as a plain object. */
const MAX_REF_DEPTH = 8;

function resolveRef(root: JsonObject, ref: string): unknown {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    if (!isJsonObject(node)) return undefined;
    node = node[raw.replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  return node;
}

function translate(schema: unknown, root: JsonObject, depth: number): JsonObject {
  // `true` and `{}` accept anything; Gemini has no such schema, a string is the loosest.
  if (!isJsonObject(schema)) return { type: 'string' };
  const ref = schema.$ref;
  if (typeof ref === 'string') {
    const target = resolveRef(root, ref);
    if (target === undefined || depth >= MAX_REF_DEPTH) return { type: 'object' };
    const resolved = translate(target, root, depth + 1);
    // Keywords next to $ref (a description, typically) refine the referenced schema.
    const { $ref: _ref, ...siblings } = schema;
    return Object.keys(siblings).length === 0
      ? resolved
      : { ...resolved, ...translate(siblings, root, depth) };
  }

  const out: JsonObject = {};
  for (const key in schema) {
    const value = schema[key];
    switch (key) {
      case 'type':
        if (typeof value === 'string') {
          out.type = value;
        } else if (Array.isArray(value)) {
          // ["string", "null"] -> type + nullable; several non-null types -> anyOf.
          const types = value.filter((t): t is string => typeof t === 'string' && t !== 'null');
          if (types.length < value.length) out.nullable = true;
          if (types.length === 1) out.type = types[0];
          else if (types.length > 1) out.anyOf = types.map((type) => ({ type }));
        }
        break;
      case 'properties':
        if (isJsonObject(value)) {
          const properties: JsonObject = {};
          let count = 0;
          for (const name in value) {
            properties[name] = translate(value[name], root, depth);
            count++;
          }
          // Gemini rejects an OBJECT whose `properties` is empty.
          if (count > 0) out.properties = properties;
        }
        break;
      case 'items':
        // Tuple validation (an array of schemas) is approximated by its first element.
        out.items = translate(Array.isArray(value) ? (value[0] as unknown) : value, root, depth);
        break;
      case 'anyOf':
      case 'oneOf':
        if (Array.isArray(value)) {
          const variants: JsonObject[] = [];
          for (const variant of value) {
            if (isJsonObject(variant) && variant.type === 'null') out.nullable = true;
            else variants.push(translate(variant, root, depth));
          }
          // Optional[X] as written by Pydantic: anyOf [X, null] -> X + nullable.
          if (variants.length === 1) Object.assign(out, variants[0]);
          else if (variants.length > 1) out.anyOf = variants;
        }
        break;
      case 'allOf':
        if (Array.isArray(value) && value.length === 1) {
          Object.assign(out, translate(value[0], root, depth));
        }
        break;
      case 'enum':
        // Gemini's enums are string-only.
        if (Array.isArray(value) && value.every((v) => typeof v === 'string')) out.enum = value;
        break;
      case 'const':
        if (typeof value === 'string') out.enum = [value];
        break;
      case 'required':
        if (Array.isArray(value)) out.required = value;
        break;
      case 'format':
        out.format = value;
        break;
      default:
        if (COPIED_KEYS.has(key)) out[key] = value;
    }
  }

  if (out.enum !== undefined && out.type === undefined) out.type = 'string';
  if (out.format !== undefined) {
    const allowed = typeof out.type === 'string' ? FORMATS[out.type] : undefined;
    if (typeof out.format !== 'string' || !allowed?.has(out.format)) delete out.format;
  }
  if (out.required !== undefined) {
    // A required name missing from `properties` is a 400 at Gemini.
    const properties = isJsonObject(out.properties) ? out.properties : {};
    const required = (out.required as unknown[]).filter(
      (name): name is string => typeof name === 'string' && name in properties,
    );
    if (required.length > 0) out.required = required;
    else delete out.required;
  }
  return out;
}

/**
 * Translates a JSON Schema into Gemini's `Schema` (used for function parameters and
 * `responseSchema`):
 *
 * - copied: type, title, description, nullable, enum (strings only), items, properties,
 *   required (only names present in properties), min/maxItems, min/maxProperties,
 *   min/maxLength, pattern, minimum, maximum, example, default, propertyOrdering, anyOf;
 * - rewritten: `type: [T, "null"]` -> `type: T, nullable: true`; `oneOf` -> `anyOf`;
 *   `anyOf [X, {type: null}]` -> X + nullable; `const: "v"` -> `enum: ["v"]`; a single-element
 *   `allOf` is merged in; local `$ref`s (`#/$defs/..`, `#/definitions/..`) are inlined, up to 8
 *   deep; `format` is kept only where Gemini accepts it (string: enum, date-time; number:
 *   float, double; integer: int32, int64);
 * - dropped: everything else, notably $schema, $id, $defs, definitions, additionalProperties,
 *   unevaluatedProperties, patternProperties, exclusiveMinimum/Maximum, multipleOf, uniqueItems,
 *   not, if/then/else, examples, readOnly, writeOnly, deprecated, and empty `properties`.
 */
export function toGeminiSchema(schema: JsonObject): JsonObject {
  return translate(schema, schema, 0);
}

/**
 * Function parameters for a `functionDeclaration`, or undefined for a function without
 * parameters: Gemini rejects an object schema with no properties, so it is left out.
 */
export function toGeminiParameters(schema: JsonObject | undefined): JsonObject | undefined {
  if (!schema) return undefined;
  const translated = toGeminiSchema(schema);
  const isObject = translated.type === undefined || translated.type === 'object';
  return isObject && translated.properties === undefined && translated.anyOf === undefined
    ? undefined
    : translated;
}
