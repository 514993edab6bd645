// Text a request may carry but the store cannot keep: PostgreSQL refuses NUL characters in text and jsonb,
// and UTF-8 has no encoding for an unpaired UTF-16 surrogate. Such input is the caller's mistake (a 400),
// found here at the edge before it becomes a database error (a 500).

/** Whether a string can be stored: no NUL, no unpaired surrogate. */
export const isStorableText = (s: string): boolean => !s.includes('\u0000') && s.isWellFormed();

/** Printable form of a key for an error message: unstorable characters escaped as JSON would. */
const printable = (key: string): string =>
  isStorableText(key)
    ? key
    : JSON.stringify(key)
        .slice(1, -1)
        .replace(/[\ud800-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);

/**
 * The dotted path (`tags[1]`, `callbackUrls.success`) of the first string in a parsed body, key or value,
 * that cannot be stored; undefined when there is none. Bodies are small (bodyLimit), so one walk is cheap.
 */
export function unstorableField(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return isStorableText(value) ? undefined : path || 'body';
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = unstorableField(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) {
      const name = path ? `${path}.${printable(key)}` : printable(key);
      if (!isStorableText(key)) return name;
      const found = unstorableField(v, name);
      if (found) return found;
    }
  }
  return undefined;
}

export const UNSTORABLE_REASON = 'must not contain NUL characters or unpaired UTF-16 surrogates';
