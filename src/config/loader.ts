import * as fs from 'fs';
import * as path from 'path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import schema from './schema.json';
import * as yaml from 'js-yaml';
import { DEFAULTS, PROFILES } from './defaults';
import { durationSeconds } from './duration';
import { quantityAmount } from '../lib/quantity';
import { LABEL_KEY, show } from '../lib/problems';
import { LabelSelector, ProfileName, StackConfig } from './types';

/** A config that failed validation: every problem, one line each. */
export class ConfigError extends Error {
  constructor(
    public readonly source: string,
    public readonly problems: string[],
    /**
     * For a config with schema problems: the config with the defaults standing in for each section
     * that has one, so the constructs' rules can still judge the sections the schema accepted.
     */
    public readonly standIn?: StackConfig,
  ) {
    super(
      problems.length === 1 && !problems[0]!.startsWith('/')
        ? `invalid stack config (${source}): ${problems[0]!}`
        : `invalid stack config (${source}):\n${problems.map((p) => `  ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

// Compiled ahead of time from schema.json (scripts/gen-schema.js: allErrors, strict, verbose), so a
// synth does not spend its time compiling the schema.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const validateSchema = require('./schema-validate.generated.js') as ValidateFunction<StackConfig>;

/** Friendly words for the patterned types of src/config/types.ts, by type name. */
const TYPE_HINTS: Record<string, string> = {
  Duration: 'a duration like 30s, 5m, 2h or 7d',
  CpuQuantity: 'a CPU quantity like 100m or 2',
  ByteQuantity: 'a byte quantity like 512Mi or 10Gi (more than 0, at most 6 digits)',
  DnsSubdomain: 'a DNS-1123 subdomain (lower-case letters, digits, - and .)',
  SecretKey: 'a Secret key (letters, digits, -, _ and .)',
  LabelValue: 'a label value (at most 63 letters, digits, -, _ and ., starting and ending with a letter or digit)',
  ByteSize: 'a size like 512MB or 40GB',
  DnsLabel: 'a DNS-1123 label (lower-case letters, digits and -)',
  JvmHeap: 'a JVM heap size like 512m or 4g',
  HostPort: 'host:port, like smtp.example.com:587',
  ImageRegistry: 'a registry host[:port] and path, like registry.internal:5000/mirror (no scheme)',
  ImageDigest: 'a digest like sha256: and 64 lower-case hex digits',
};

/** The same hints keyed by the pattern itself, which is what a validation error reports. */
const PATTERN_HINTS: Record<string, string> = Object.fromEntries(
  Object.entries(schema.definitions as Record<string, { pattern?: string }>).flatMap(([name, def]) =>
    def.pattern && TYPE_HINTS[name] ? [[def.pattern, TYPE_HINTS[name]]] : [],
  ),
);

function describe(error: ErrorObject): string {
  const at = error.instancePath || '/';
  const properties = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
  switch (error.keyword) {
    case 'additionalProperties':
      return `${error.instancePath}/${error.params.additionalProperty}: unknown key (expected one of: ${properties.join(', ')})`;
    case 'required':
      return `${error.instancePath}/${error.params.missingProperty}: is required`;
    case 'type':
      if (properties.includes('secretName') && typeof error.data === 'string') {
        return `${at}: secrets are references ({ ${properties.join(', ')} }), not literals, got a string`;
      }
      return `${at}: must be ${error.params.type === 'integer' ? 'a whole number' : error.params.type}, got ${show(error.data)}`;
    case 'pattern':
      return `${at}: must be ${PATTERN_HINTS[error.params.pattern as string] ?? `a string matching ${error.params.pattern}`}, got ${show(error.data)}`;
    case 'minLength':
      return `${at}: must not be ${error.params.limit === 1 ? 'empty' : `shorter than ${error.params.limit} characters`}, got ${show(error.data)}`;
    case 'enum':
      return `${at}: must be one of ${(error.params.allowedValues as unknown[]).map(show).join(', ')}, got ${show(error.data)}`;
    default:
      return `${at}: ${error.message}, got ${show(error.data)}`;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Merges `over` onto `base`: objects merge key by key, anything else (arrays included) replaces. */
export function merge<T>(base: T, over: unknown): T {
  if (!isObject(base) || !isObject(over)) {
    return (over === undefined ? base : over) as T;
  }
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    // Some objects are one value, replaced whole: a Secret reference (a user's { secretName } must not
    // inherit the default's key) and a namespace selector (a user's labels must not be ANDed with the default's).
    const current = Object.hasOwn(out, key) ? out[key] : undefined;
    const whole = isObject(current) && ['secretName', 'matchLabels', 'allNamespaces'].some((k) => k in current);
    const merged = current !== undefined && !whole ? merge(current, value) : value;
    // defineProperty, so a `__proto__` key in the YAML is an (unknown) key, not a prototype.
    Object.defineProperty(out, key, { value: merged, enumerable: true, writable: true, configurable: true });
  }
  return out as T;
}

export { durationSeconds };

const DEFINITIONS = schema.definitions as Record<string, { pattern?: string }>;
const DURATION = new RegExp(DEFINITIONS.Duration!.pattern!);
/** Go's time.Duration (Prometheus', Alertmanager's, the collector's) holds at most 2^63 ns: ~292 years. */
const LONGEST_DURATION_S = 2 ** 63 / 1e9;

/** Every value in the config with its JSON path. */
function* leaves(node: unknown, at = ''): Generator<[string, unknown, Record<string, unknown> | undefined]> {
  if (Array.isArray(node)) for (const [i, v] of node.entries()) yield* leaves(v, `${at}/${i}`);
  else if (isObject(node)) {
    yield [at, node, node];
    for (const [k, v] of Object.entries(node)) yield* leaves(v, `${at}/${k}`);
  } else yield [at, node, undefined];
}

/**
 * The rules of the config's shared value types that JSON Schema cannot express, wherever a value of
 * that type appears: a Duration Go can hold, a Resources whose requests fit its limits, a
 * NamespaceSelector that selects one way. Rules between settings live with the construct that
 * renders them (its `addValidation`), and buildStack reports them.
 */
function valueProblems(config: StackConfig): string[] {
  const problems: string[] = [];
  for (const [at, value, object] of leaves(config)) {
    if (typeof value === 'string' && DURATION.test(value) && durationSeconds(value) > LONGEST_DURATION_S) {
      problems.push(`${at}: must be at most 292y (the longest duration Go programs hold), got ${show(value)}`);
    }
    // Resources: a request above its limit is refused by the API server.
    const requests = object?.requests as Record<string, string> | undefined;
    const limits = object?.limits as Record<string, string> | undefined;
    if (object && isObject(requests) && isObject(limits)) {
      for (const resource of ['cpu', 'memory']) {
        const [request, limit] = [requests[resource], limits[resource]];
        if (
          typeof request === 'string' &&
          typeof limit === 'string' &&
          quantityAmount(request) > quantityAmount(limit)
        ) {
          problems.push(
            `${at}/requests/${resource}: must not exceed ${at}/limits/${resource} (${limit}), got ${show(request)}`,
          );
        }
      }
    }
  }
  for (const [key, selector] of Object.entries(config.network ?? {})) {
    if (!isObject(selector)) continue;
    const { matchLabels, allNamespaces } = selector as LabelSelector;
    const labels = Object.keys(matchLabels ?? {});
    if (labels.length > 0 === (allNamespaces === true)) {
      problems.push(
        `/network/${key}: must give matchLabels (at least one label) or allNamespaces: true (every namespace of the cluster), not ${labels.length > 0 ? 'both' : 'neither'}, got ${show(selector)}`,
      );
    }
    for (const label of labels)
      if (!LABEL_KEY.test(label))
        problems.push(`/network/${key}/matchLabels: ${show(label)} must be a label key like app.kubernetes.io/name`);
  }
  return problems;
}

/**
 * Resolves the stack config once: built-in defaults, then the profile the user's document names,
 * then the user's document. Throws ConfigError listing every problem.
 */
export function resolveConfig(user: unknown, source = 'inline config'): StackConfig {
  if (user === null || user === undefined) user = {};
  if (!isObject(user)) {
    throw new ConfigError(source, [`/: must be a mapping of stack settings, got ${show(user)}`]);
  }
  const profile = user.profile === undefined ? DEFAULTS.profile : user.profile;
  if (typeof profile !== 'string' || !Object.hasOwn(PROFILES, profile)) {
    throw new ConfigError(source, [
      `/profile: must be one of ${Object.keys(PROFILES).map(show).join(', ')}, got ${show(profile)}`,
    ]);
  }
  const merged = merge(merge(DEFAULTS, PROFILES[profile as ProfileName]), user);
  return checkConfig(merged, source);
}

/** Configs checkConfig accepted, each with where it came from, so a config is checked once. */
const CHECKED = new WeakMap<object, string>();

/**
 * The loader's rules for a whole stack config: the schema, then the rules of its shared value types.
 * `resolveConfig` calls it, and so does `buildStack`, for any program that builds the constructs from a
 * config it made itself (the Pulumi component's `config`). Throws ConfigError listing every problem;
 * returns the config. The rules between settings are the constructs' (buildStack reports them).
 */
export function checkConfig(config: StackConfig, source = 'stack config'): StackConfig {
  if (CHECKED.has(config)) return config;
  if (!validateSchema(config)) {
    const problems = [...new Set((validateSchema.errors ?? []).map(describe))];
    throw new ConfigError(source, problems, standIn(config, problems));
  }
  const problems = valueProblems(config);
  if (problems.length > 0) throw new ConfigError(source, problems, standIn(config, problems));
  CHECKED.set(config, source);
  return config;
}

/** The top-level section a problem line is about: `alertmanager` for `/alertmanager/replicas: ...`. */
export function problemSection(problem: string): string {
  return problem.split(/[/:]/)[1] ?? '';
}

/** `config` with its profile's defaults in place of each section a problem names; undefined if that is not sound either. */
function standIn(config: StackConfig, problems: readonly string[]): StackConfig | undefined {
  const profile: unknown = config.profile;
  const base = (typeof profile === 'string' && Object.hasOwn(PROFILES, profile)
    ? merge(DEFAULTS, PROFILES[profile as ProfileName])
    : DEFAULTS) as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = { ...config };
  for (const section of new Set(problems.map(problemSection))) {
    if (Object.hasOwn(base, section)) out[section] = base[section];
    else delete out[section];
  }
  return validateSchema(out) && valueProblems(out).length === 0 ? out : undefined;
}

/** Where a config checkConfig accepted came from (its file), for the problems the constructs find later. */
export function configSource(config: StackConfig): string {
  return CHECKED.get(config) ?? 'stack config';
}

/** Reads and resolves a YAML config file. */
export function loadConfig(file: string): StackConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, [`cannot read the file: ${(e as NodeJS.ErrnoException).code ?? String(e)}`]);
  }
  let document: unknown;
  try {
    document = yaml.load(text, { filename: file });
  } catch (e) {
    const err = e as yaml.YAMLException;
    throw new ConfigError(file, [
      `not valid YAML: ${err.reason ?? err.message.split('\n')[0]} (line ${(err.mark?.line ?? 0) + 1}, column ${(err.mark?.column ?? 0) + 1})`,
    ]);
  }
  return resolveConfig(withTestPaths(document, file), file);
}

/**
 * The document with its `rules.tests` paths resolved against the file's folder, where the user wrote
 * them from: the config then reads the same files whichever directory synth runs in.
 */
function withTestPaths(document: unknown, file: string): unknown {
  if (!isObject(document) || !isObject(document.rules) || !Array.isArray(document.rules.tests)) return document;
  const dir = path.dirname(path.resolve(file));
  const tests = document.rules.tests.map((t: unknown) => (typeof t === 'string' ? path.resolve(dir, t) : t));
  return { ...document, rules: { ...document.rules, tests } };
}
