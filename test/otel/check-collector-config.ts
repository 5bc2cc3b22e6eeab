/** The component sections of a collector config. */
export type ComponentKind = 'receivers' | 'processors' | 'exporters' | 'extensions' | 'connectors';

/** The component types a collector binary has, per kind, as its `components` command lists them. */
export type ComponentTypes = Record<ComponentKind, readonly string[]>;

type Section = Record<string, unknown>;
interface Pipeline {
  receivers?: string[];
  processors?: string[];
  exporters?: string[];
}

const SIGNALS = ['traces', 'metrics', 'logs'];
const KINDS: ComponentKind[] = ['receivers', 'processors', 'exporters', 'extensions', 'connectors'];

function section(config: Record<string, unknown>, kind: string): Section {
  const value = config[kind];
  return typeof value === 'object' && value !== null ? (value as Section) : {};
}

/** The `type` of a component id `type[/name]`. */
function typeOf(id: string): string {
  return id.split('/')[0]!;
}

/** Every `storage: <extension id>` reference in a component's settings (persistent queues, checkpoints). */
function storageRefs(value: unknown, at: string, out: Array<{ at: string; id: string }>): void {
  if (typeof value !== 'object' || value === null) return;
  for (const [key, child] of Object.entries(value)) {
    if (key === 'storage' && typeof child === 'string') out.push({ at: `${at}.storage`, id: child });
    else storageRefs(child, `${at}.${key}`, out);
  }
}

/**
 * What `otelcol validate` accepts but this project does not, one line each; empty when the config is
 * sound. The real collector judges everything else (tests run its `validate` on every rendered config).
 *
 * - every component type is one the judged collector lists under its current name: `validate` silently
 *   accepts a deprecated alias (`otlp`, `otlphttp`, ...), which a later release removes;
 * - every receiver, processor and exporter a pipeline names is defined, and every defined one is used
 *   (the collector ignores an unused one: usually a wiring mistake);
 * - every extension is enabled in `service.extensions` and every enabled one is defined;
 * - a connector is an exporter of one pipeline and a receiver of another;
 * - every pipeline starts with a `memory_limiter` processor;
 * - every `storage:` reference names a defined storage extension (checked only at start by the collector).
 */
export function collectorConfigProblems(config: Record<string, unknown>, types: ComponentTypes): string[] {
  const problems: string[] = [];
  const service = section(config, 'service');
  const pipelines = section(service, 'pipelines') as Record<string, Pipeline>;
  const defined = Object.fromEntries(KINDS.map((k) => [k, Object.keys(section(config, k))])) as Record<
    ComponentKind,
    string[]
  >;

  for (const kind of KINDS) {
    for (const id of defined[kind]) {
      const type = typeOf(id);
      if (!types[kind].includes(type))
        problems.push(
          `${kind}.${id}: the judged collector has no ${kind.slice(0, -1)} named '${type}' (a deprecated alias or a missing component)`,
        );
    }
  }
  if (Object.keys(pipelines).length === 0) problems.push('service.pipelines: no pipelines');

  const used = { receivers: new Set<string>(), processors: new Set<string>(), exporters: new Set<string>() };
  const connectorUse = new Map<string, { asExporter: boolean; asReceiver: boolean }>(
    defined.connectors.map((c) => [c, { asExporter: false, asReceiver: false }]),
  );
  for (const [name, pipeline] of Object.entries(pipelines)) {
    const at = `service.pipelines.${name}`;
    if (!SIGNALS.includes(typeOf(name)))
      problems.push(`${at}: '${typeOf(name)}' is not a signal (expected one of: ${SIGNALS.join(', ')})`);
    for (const role of ['receivers', 'processors', 'exporters'] as const) {
      const ids = pipeline[role] ?? [];
      if (role !== 'processors' && ids.length === 0) problems.push(`${at}.${role}: is empty`);
      if (new Set(ids).size !== ids.length) problems.push(`${at}.${role}: names a component twice`);
      for (const id of ids) {
        used[role].add(id);
        const connector = connectorUse.get(id);
        if (connector && role !== 'processors') {
          connector[role === 'exporters' ? 'asExporter' : 'asReceiver'] = true;
        } else if (!defined[role].includes(id)) {
          problems.push(`${at}.${role}: '${id}' is not defined under ${role}`);
        }
      }
    }
    const first = pipeline.processors?.[0];
    if (first === undefined || typeOf(first) !== 'memory_limiter') {
      problems.push(
        `${at}.processors: must start with memory_limiter, got [${(pipeline.processors ?? []).join(', ')}]`,
      );
    }
  }
  for (const role of ['receivers', 'processors', 'exporters'] as const) {
    for (const id of defined[role])
      if (!used[role].has(id)) problems.push(`${role}.${id}: defined but used by no pipeline`);
  }
  for (const [id, use] of connectorUse) {
    if (!use.asExporter || !use.asReceiver)
      problems.push(`connectors.${id}: must be an exporter of one pipeline and a receiver of another`);
  }

  const enabled = Array.isArray(service.extensions) ? (service.extensions as string[]) : [];
  for (const id of enabled)
    if (!defined.extensions.includes(id)) problems.push(`service.extensions: '${id}' is not defined under extensions`);
  for (const id of defined.extensions)
    if (!enabled.includes(id)) problems.push(`extensions.${id}: defined but not enabled in service.extensions`);

  const refs: Array<{ at: string; id: string }> = [];
  for (const kind of ['receivers', 'exporters'] as const) storageRefs(section(config, kind), kind, refs);
  for (const { at, id } of refs) {
    if (!defined.extensions.includes(id)) problems.push(`${at}: '${id}' is not a defined extension`);
    else if (typeOf(id) !== 'file_storage') problems.push(`${at}: '${id}' is not a storage extension`);
  }
  return problems;
}
