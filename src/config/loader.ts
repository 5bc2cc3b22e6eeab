import * as fs from 'fs';
import type { ErrorObject, ValidateFunction } from 'ajv';
import schema from './schema.json';
import * as yaml from 'js-yaml';
import { DEFAULTS, PROFILES } from './defaults';
import { durationSeconds } from './duration';
import { retentionProblems } from './retention';
import { cpuQuantity, quantityBytes } from '../lib/quantity';
import {
  AlertmanagerConfig,
  CollectorConfig,
  ElasticsearchConfig,
  ProfileName,
  PrometheusConfig,
  Route,
  StackConfig,
} from './types';
import { ANNOTATED_PODS_JOB, APPS_JOB, STACK_JOBS } from '../lib/names';

/** A config that failed validation: every problem, one line each. */
export class ConfigError extends Error {
  constructor(
    public readonly source: string,
    public readonly problems: string[],
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
};

/** The same hints keyed by the pattern itself, which is what a validation error reports. */
const PATTERN_HINTS: Record<string, string> = Object.fromEntries(
  Object.entries(schema.definitions as Record<string, { pattern?: string }>).flatMap(([name, def]) =>
    def.pattern && TYPE_HINTS[name] ? [[def.pattern, TYPE_HINTS[name]]] : [],
  ),
);

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? 'nothing' : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

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

// Alertmanager's matcher syntax: a label name, an operator and a value, quoted or not.
const MATCHER = /^[a-zA-Z_][a-zA-Z0-9_]*\s*(=|!=|=~|!~)\s*("(?:[^"\\]|\\.)*"|[^"\s{},=~!]*)$/;

/** What is wrong with one matcher, or undefined: its form, and for =~ and !~ its regular expression. */
function matcherProblem(matcher: string): string | undefined {
  const m = MATCHER.exec(matcher);
  if (!m) return `must be a matcher like severity="critical", got ${show(matcher)}`;
  const [, op, quoted = ''] = m;
  if (op === '=~' || op === '!~') {
    const pattern = quoted.startsWith('"') ? (JSON.parse(quoted) as string) : quoted;
    try {
      new RegExp(`^(?:${pattern})$`);
    } catch {
      return `the regular expression does not compile, got ${show(matcher)}`;
    }
  }
  return undefined;
}

const DEFINITIONS = schema.definitions as Record<string, { pattern?: string }>;
/** A label key: an optional DNS subdomain and `/`, then a name of at most 63 characters. */
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const DURATION = new RegExp(DEFINITIONS.Duration!.pattern!);
/** Go's time.Duration (Prometheus', Alertmanager's, the collector's) holds at most 2^63 ns: ~292 years. */
const LONGEST_DURATION_S = 2 ** 63 / 1e9;
/** Namespaces the stack must not take over: it puts default-deny policies and restricted Pod Security on its own. */
const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Cores or bytes of a CPU or byte quantity, for comparing requests with limits. */
function amount(quantity: string): number {
  return /[KMGT]i$/.test(quantity) ? quantityBytes(quantity) : cpuQuantity(quantity);
}

/** Every value in the config with its JSON path. */
function* leaves(node: unknown, at = ''): Generator<[string, unknown, Record<string, unknown> | undefined]> {
  if (Array.isArray(node)) for (const [i, v] of node.entries()) yield* leaves(v, `${at}/${i}`);
  else if (isObject(node)) {
    yield [at, node, node];
    for (const [k, v] of Object.entries(node)) yield* leaves(v, `${at}/${k}`);
  } else yield [at, node, undefined];
}

/** Mistakes a real tool or the API server would refuse later, found in any section. */
function toolProblems(config: StackConfig): string[] {
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
        if (typeof request === 'string' && typeof limit === 'string' && amount(request) > amount(limit)) {
          problems.push(
            `${at}/requests/${resource}: must not exceed ${at}/limits/${resource} (${limit}), got ${show(request)}`,
          );
        }
      }
    }
  }
  return problems;
}

/**
 * Routing mistakes Alertmanager accepts silently: a receiver no route sends to, and a route that an
 * earlier sibling without matchers (and without `continue`) always takes first.
 */
export function routingProblems(root: Route, receivers: readonly string[]): string[] {
  const problems: string[] = [];
  const used = new Set<string>();
  const walk = (route: Route, at: string) => {
    if (route.receiver !== undefined) used.add(route.receiver);
    const children = route.routes ?? [];
    const catchAll = children.findIndex((child) => (child.matchers ?? []).length === 0 && child.continue !== true);
    children.forEach((child, i) => {
      if (catchAll >= 0 && i > catchAll) {
        problems.push(
          `${at}/routes/${i}: is never reached: ${at}/routes/${catchAll} before it has no matchers and no continue, so it takes every alert`,
        );
      }
      walk(child, `${at}/routes/${i}`);
    });
  };
  walk(root, '/alertmanager/route');
  receivers.forEach((name, i) => {
    if (!used.has(name)) problems.push(`/alertmanager/receivers/${i}: receiver ${show(name)} is used by no route`);
  });
  return problems;
}

/** Runs each check, skipping one that throws: its section has a schema problem, already reported. */
function guarded(...checks: Array<() => void>): void {
  for (const fn of checks) {
    try {
      fn();
    } catch {
      // That section already has a schema problem.
    }
  }
}

/**
 * What Alertmanager would refuse or never use in `am` (paths under /alertmanager). The loader reports
 * them for a config file; the Alertmanager construct validates its own config with them too.
 */
export function alertmanagerProblems(am: AlertmanagerConfig): string[] {
  const problems: string[] = [];
  guarded(() => {
    if (am.replicas === 2)
      problems.push('/alertmanager/replicas: 2 peers cannot keep quorum, use 1 or 3 and more, got 2');
  });
  guarded(() =>
    am.receivers.forEach((receiver, i) =>
      (receiver.email ?? []).forEach((email, j) => {
        const port = Number(email.smarthost.split(':').pop());
        if (!(port >= 1 && port <= 65535))
          problems.push(
            `/alertmanager/receivers/${i}/email/${j}/smarthost: the port must be 1 to 65535, got ${show(email.smarthost)}`,
          );
      }),
    ),
  );
  const names = new Set<string>();
  guarded(() =>
    am.receivers.forEach((receiver, i) => {
      if (names.has(receiver.name))
        problems.push(`/alertmanager/receivers/${i}/name: duplicate receiver ${show(receiver.name)}`);
      names.add(receiver.name);
    }),
  );
  const walk = (route: Route, at: string) => {
    if (route.receiver !== undefined && !names.has(route.receiver)) {
      problems.push(
        `${at}/receiver: no receiver named ${show(route.receiver)} (expected one of: ${[...names].join(', ')})`,
      );
    }
    (route.matchers ?? []).forEach((m, i) => {
      const problem = matcherProblem(m);
      if (problem) problems.push(`${at}/matchers/${i}: ${problem}`);
    });
    for (const key of ['groupInterval', 'repeatInterval'] as const) {
      const value = route[key];
      if (value !== undefined && durationSeconds(value) === 0)
        problems.push(`${at}/${key}: must be longer than 0 (Alertmanager refuses 0), got ${show(value)}`);
    }
    (route.routes ?? []).forEach((child, i) => walk(child, `${at}/routes/${i}`));
  };
  guarded(() => walk(am.route, '/alertmanager/route'));
  // A tree already reported broken would only add noise ("unused" receivers its typos meant to name).
  guarded(() => {
    if (!problems.some((p) => p.startsWith('/alertmanager/route')))
      problems.push(
        ...routingProblems(
          am.route,
          am.receivers.map((r) => r.name),
        ),
      );
  });
  guarded(() =>
    am.inhibitRules.forEach((rule, i) => {
      for (const side of ['sourceMatchers', 'targetMatchers'] as const) {
        rule[side].forEach((m, j) => {
          const problem = matcherProblem(m);
          if (problem) problems.push(`/alertmanager/inhibitRules/${i}/${side}/${j}: ${problem}`);
        });
      }
    }),
  );
  return problems;
}

/** What Prometheus would refuse, or a retention its volume cannot hold (paths under /prometheus). */
export function prometheusProblems(prometheus: PrometheusConfig): string[] {
  const problems: string[] = [];
  guarded(() => {
    const { retention, evaluationInterval } = prometheus;
    if (durationSeconds(retention.time) < 2 * 3600) {
      problems.push(`/prometheus/retention/time: must be at least the 2h block duration, got ${show(retention.time)}`);
    } else if (durationSeconds(evaluationInterval) > durationSeconds(retention.time)) {
      problems.push(
        `/prometheus/evaluationInterval: must not be longer than /prometheus/retention/time (${retention.time}), got ${show(evaluationInterval)}`,
      );
    }
  });
  guarded(() => {
    // Prometheus' sizes are powers of 2 (1GB = 1024 MB), as Kubernetes' Gi.
    const { retention, storage } = prometheus;
    const [, count = '', unit = ''] = /^([0-9]+)(B|KB|MB|GB|TB|PB)$/.exec(retention.size)!;
    const sizeBytes = Number(count) * 1024 ** ['B', 'KB', 'MB', 'GB', 'TB', 'PB'].indexOf(unit);
    if (sizeBytes > amount(storage.size)) {
      problems.push(
        `/prometheus/retention/size: must fit /prometheus/storage/size (${storage.size}), or the volume fills before the oldest blocks go, got ${show(retention.size)}`,
      );
    }
  });
  return problems;
}

/** An Elasticsearch cluster that cannot elect a master or starves its filesystem cache (paths under /elasticsearch). */
export function elasticsearchProblems(elasticsearch: ElasticsearchConfig): string[] {
  const problems: string[] = [];
  guarded(() => {
    if (elasticsearch.replicas === 2) {
      problems.push(
        '/elasticsearch/replicas: 2 master-eligible nodes cannot elect a master after one fails, use 1 or 3 and more, got 2',
      );
    }
  });
  guarded(() => {
    // Elasticsearch's guidance: at most half the memory for the heap, the rest for the filesystem cache.
    const { heap, resources } = elasticsearch;
    const heapBytes = Number(heap.slice(0, -1)) * 1024 ** (heap.endsWith('g') ? 3 : 2);
    if (heapBytes > amount(resources.limits.memory) / 2) {
      problems.push(
        `/elasticsearch/heap: must be at most half of /elasticsearch/resources/limits/memory (${resources.limits.memory}), the rest being the filesystem cache's, got ${show(heap)}`,
      );
    }
  });
  return problems;
}

/** Tail-sampling waits the collector cannot keep (paths under /collector/sampling). */
export function samplingProblems(collector: CollectorConfig): string[] {
  const problems: string[] = [];
  guarded(() => {
    const { decisionWait, decisionWaitAfterRoot } = collector.sampling;
    const afterRoot = durationSeconds(decisionWaitAfterRoot);
    if (afterRoot < 1 || !Number.isInteger(afterRoot)) {
      problems.push(
        `/collector/sampling/decisionWaitAfterRoot: must be whole seconds (the collector decides once a second), got ${show(decisionWaitAfterRoot)}`,
      );
    } else if (afterRoot >= durationSeconds(decisionWait)) {
      problems.push(
        `/collector/sampling/decisionWaitAfterRoot: must be shorter than /collector/sampling/decisionWait (${decisionWait}), or the root span would never speed up a decision, got ${show(decisionWaitAfterRoot)}`,
      );
    }
  });
  return problems;
}

/** Checks that JSON Schema cannot express: references between fields. */
function semanticProblems(config: StackConfig): string[] {
  const problems: string[] = [];
  // Each check guards itself: on a config the schema rejected, a section may be missing or mistyped.
  guarded(() => {
    if (config.collector.agent.namespace === config.common.namespace) {
      problems.push(
        `/collector/agent/namespace: must differ from /common/namespace, which enforces the "restricted" Pod Security Standard the agent cannot meet, got ${show(config.common.namespace)}`,
      );
    }
  });
  problems.push(
    ...alertmanagerProblems(config.alertmanager),
    ...prometheusProblems(config.prometheus),
    ...elasticsearchProblems(config.elasticsearch),
    ...samplingProblems(config.collector),
  );
  guarded(() => problems.push(...retentionProblems(config.retention)));
  guarded(() => problems.push(...toolProblems(config)));
  guarded(() => {
    const ns = config.common.namespace;
    if (SYSTEM_NAMESPACES.includes(ns) || ns === config.pki.clusterResourceNamespace) {
      problems.push(
        `/common/namespace: must be a namespace of the stack's own (it gets default-deny NetworkPolicies and the "restricted" Pod Security Standard), not ${[...SYSTEM_NAMESPACES, "cert-manager's"].join(', ')}, got ${show(ns)}`,
      );
    } else if (config.collector.agent.namespace === undefined && `${ns}-agent`.length > 63) {
      problems.push(
        `/common/namespace: must be at most 57 characters, since the agent's namespace is <namespace>-agent (or set /collector/agent/namespace), got ${show(ns)}`,
      );
    }
  });
  guarded(() => {
    for (const [key, selector] of [
      ['telemetryFrom', config.network.telemetryFrom],
      ['uiFrom', config.network.uiFrom],
    ] as const) {
      if (selector === undefined) continue;
      const labels = Object.keys(selector.matchLabels ?? {}).length;
      if (labels > 0 === (selector.allNamespaces === true)) {
        problems.push(
          `/network/${key}: must give matchLabels (at least one label) or allNamespaces: true (every namespace of the cluster), not ${labels > 0 ? 'both' : 'neither'}, got ${show(selector)}`,
        );
      }
      for (const label of Object.keys(selector.matchLabels ?? {})) {
        if (!LABEL_KEY.test(label))
          problems.push(`/network/${key}/matchLabels: ${show(label)} must be a label key like app.kubernetes.io/name`);
      }
    }
  });
  guarded(() => {
    const taken = new Set<string>([...STACK_JOBS, APPS_JOB, ANNOTATED_PODS_JOB]);
    const own = [config.common.namespace, config.collector.agent.namespace ?? `${config.common.namespace}-agent`];
    config.scrapeTargets.forEach((t, i) => {
      const at = `/scrapeTargets/${i}`;
      if (taken.has(t.job))
        problems.push(
          `${at}/job: must differ from the stack's jobs and the other targets' (${[...taken].join(', ')}), got ${show(t.job)}`,
        );
      taken.add(t.job);
      if ((t.port === undefined) === (t.portName === undefined))
        problems.push(`${at}: must give port (a number) or portName, not ${t.port === undefined ? 'neither' : 'both'}`);
      if (t.tls && t.scheme === 'http') problems.push(`${at}/scheme: must be https (or left out) with tls, got "http"`);
      if (own.includes(t.namespace))
        problems.push(
          `${at}/namespace: must be the platform's, not one of the stack's own (${own.join(', ')}), got ${show(t.namespace)}`,
        );
      const labels = Object.keys(t.matchLabels);
      if (labels.length === 0)
        problems.push(`${at}/matchLabels: must name at least one label, or every pod of the namespace is the target`);
      for (const label of labels)
        if (!LABEL_KEY.test(label))
          problems.push(`${at}/matchLabels: ${show(label)} must be a label key like app.kubernetes.io/name`);
    });
  });
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

/** Configs checkConfig accepted, so a config resolved once is not checked again when it is built. */
const CHECKED = new WeakSet<object>();

/**
 * Every rule a whole stack config must meet: the schema, then the checks between fields. The one
 * place the rules run: `resolveConfig` calls it, and so does `buildStack`, for any program that builds
 * the constructs from a config it made itself (the Pulumi component's `config`). Throws ConfigError
 * listing every problem; returns the config.
 */
export function checkConfig(config: StackConfig, source = 'stack config'): StackConfig {
  if (CHECKED.has(config)) return config;
  const problems = validateSchema(config) ? [] : [...new Set((validateSchema.errors ?? []).map(describe))];
  // Cross-field checks also run on a config with schema problems, on the sections the schema accepted.
  const broken = problems.map((p) => p.split(/[/:]/)[1]);
  problems.push(...semanticProblems(config).filter((p) => !broken.includes(p.split(/[/:]/)[1])));
  if (problems.length > 0) throw new ConfigError(source, problems);
  CHECKED.add(config);
  return config;
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
  return resolveConfig(document, file);
}
