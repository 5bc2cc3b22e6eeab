import * as yaml from 'js-yaml';

/**
 * Renders an embedded config file as YAML: keys in the order the object was built, no line
 * folding and no anchors, so the text reads like a hand-written file and one change is one line.
 */
export function toYaml(value: unknown): string {
  return yaml.dump(value, { lineWidth: -1, noRefs: true, sortKeys: false, quotingType: '"' });
}

/** Renders JSON for an embedded file: pretty, so a one-field change is a one-line diff. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}
