// Writes a benchmark's results into a Markdown document between marker comments, leaving the
// rest of the document (other benchmarks' sections) as it is, and formats it with Prettier so
// `prettier --check` stays green.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as prettier from 'prettier';

/** How docs/performance.md begins when a benchmark creates it. */
const PERFORMANCE_TITLE =
  '# Performance\n\nFigures from the benchmark commands, measured on the machine named in each section. Each section is rewritten by its command; edit outside the marker comments.';

/**
 * Replaces the block between `<!-- <id>:begin -->` and `<!-- <id>:end -->` in `docPath` with
 * `content` (markers included), appending it when the markers are missing, and creating the
 * document with `title` when it does not exist.
 */
export async function writeDocSection(docPath, id, content, { title = PERFORMANCE_TITLE } = {}) {
  const begin = `<!-- ${id}:begin -->`;
  const end = `<!-- ${id}:end -->`;
  const block = `${begin}\n\n${content.trim()}\n\n${end}`;
  let doc = existsSync(docPath) ? readFileSync(docPath, 'utf8') : `${title}\n`;
  const from = doc.indexOf(begin);
  const to = doc.indexOf(end);
  if (from >= 0 && to > from) {
    doc = doc.slice(0, from) + block + doc.slice(to + end.length);
  } else {
    doc = `${doc.trimEnd()}\n\n${block}\n`;
  }
  const options = (await prettier.resolveConfig(docPath)) ?? {};
  writeFileSync(docPath, await prettier.format(doc, { ...options, filepath: docPath }));
}

/**
 * A benchmark's exit code: 1 when a correctness target failed (always), or when a speed target
 * failed in a full run (a `--quick` smoke run only checks correctness); else 0.
 */
export function exitCodeFor(targets, { quick }) {
  if (!targets.every((t) => t.ok || t.kind === 'performance')) return 1;
  if (!quick && !targets.every((t) => t.ok)) return 1;
  return 0;
}
