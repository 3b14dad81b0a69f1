/**
 * What no text given to this service may hold, wherever it comes from (GraphQL
 * arguments, CLI arguments, export filters, cursors):
 * - control characters, Unicode's Cc: C0 (U+0000–U+001F, so NUL, tab, line
 *   breaks and escape too), DEL and C1 (U+0080–U+009F). No field of this API
 *   needs them: names, sign-in names, passwords, codes, reasons, filters and
 *   ids are all one line of text. PostgreSQL refuses NUL outright (a 500 before
 *   this rule); the others would end up in logs, CSV exports and terminals;
 * - unpaired UTF-16 surrogates: not characters at all. JSON can carry them,
 *   UTF-8 cannot encode them, and PostgreSQL's jsonb refuses their escapes.
 */
const FORBIDDEN = /[\p{Cc}\p{Cs}]/u;
const SURROGATE = /\p{Cs}/u;

export type TextProblem = 'control character' | 'unpaired surrogate';

/** Why `text` is refused, or undefined when it is fine. */
export function textProblem(text: string): TextProblem | undefined {
  const found = FORBIDDEN.exec(text)?.[0];
  if (found === undefined) return undefined;
  return SURROGATE.test(found) ? 'unpaired surrogate' : 'control character';
}

/** A message naming `what` (a field, an argument) and the problem, never the text itself: it may be a password. */
export function textProblemMessage(what: string, problem: TextProblem): string {
  return problem === 'control character'
    ? `${what} must not contain control characters (such as NUL, tab or a line break).`
    : `${what} is not valid Unicode text (it holds an unpaired surrogate).`;
}

/**
 * The first string in `value` (GraphQL arguments, an input object, a list) that
 * holds a refused character, with its path from the top, e.g. `input.name`,
 * `input.ids.3`. Dates and other non-plain objects are not text and are skipped.
 */
export function findRefusedText(value: unknown, path = ''): { field: string; problem: TextProblem } | undefined {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem ? { field: path, problem } : undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findRefusedText(value[i], path ? `${path}.${i}` : String(i));
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) return undefined;
    for (const [key, inner] of Object.entries(value)) {
      const found = findRefusedText(inner, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return undefined;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text as HTML text or attribute value (mails, the console's page). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}
