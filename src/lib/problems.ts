/**
 * How a config problem is written, wherever it is found (the loader or a construct's validation): one
 * line, `<config path>: <what is expected>, got <the value>`.
 */

/** A value as a problem line quotes it: JSON (strings keep their quotes), cut at 60 characters. */
export function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? 'nothing' : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** A label key: an optional DNS subdomain and `/`, then a name of at most 63 characters. */
export const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
