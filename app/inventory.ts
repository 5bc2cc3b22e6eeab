/**
 * What an upgrade asks of a user, found by comparing what two versions synthesize (docs/upgrading.md).
 *
 * The README applies `dist/` with `kubectl apply`, which never deletes: an object a new version no
 * longer renders stays in the cluster, still running or still allowing traffic, until someone deletes
 * it. And the API server refuses a change to an immutable field (a workload's selector, a
 * StatefulSet's volume claims), so that object has to be deleted and created again. A config key a
 * new version drops makes synth refuse the user's file. Each of those needs a line in the CHANGELOG;
 * everything else a version changes, `kubectl apply` (or GitOps, or `pulumi up`) rolls out by itself.
 */

/** One object as synthesized, as far as the inventory reads it. */
interface KubeObjectLike {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: Record<string, unknown>;
  roleRef?: unknown;
}

/** What one version renders for one config, and the config keys it accepts. */
export interface Inventory {
  /** `Kind namespace/name` (or `Kind name` for cluster objects) → its immutable fields, canonical JSON. */
  objects: Record<string, string>;
  /** API groups outside Kubernetes' own (CRDs the cluster must have). */
  customGroups: string[];
}

/** A version's inventory: per profile, and the config keys (JSON pointers with `*` for any key or index). */
export interface VersionInventory {
  version: string;
  profiles: Record<string, Inventory>;
  configKeys: string[];
}

/**
 * The fields of each kind that the API server will not let an update change (the validation of
 * apps/v1, batch/v1, core/v1 and rbac/v1 in kubernetes/pkg/apis/.../validation). Paths into `spec`,
 * except where given from the object's top.
 */
const IMMUTABLE: Record<string, { spec?: string[]; specExcept?: string[]; top?: string[] }> = {
  Deployment: { spec: ['selector'] },
  DaemonSet: { spec: ['selector'] },
  ReplicaSet: { spec: ['selector'] },
  // "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template',
  // 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"
  StatefulSet: {
    specExcept: [
      'replicas',
      'ordinals',
      'template',
      'updateStrategy',
      'persistentVolumeClaimRetentionPolicy',
      'minReadySeconds',
    ],
  },
  Service: { spec: ['clusterIP'] },
  PersistentVolumeClaim: { spec: ['accessModes', 'storageClassName', 'volumeMode', 'dataSource'] },
  RoleBinding: { top: ['roleRef'] },
  ClusterRoleBinding: { top: ['roleRef'] },
};

/**
 * Kinds that do nothing when left behind: a finished Job neither runs again nor holds data, and a
 * ConfigMap nothing mounts is inert. Both are content-addressed where they carry a config (the
 * bootstrap Job and its ConfigMap), so every config change leaves one behind by design.
 */
const INERT = new Set(['Job', 'ConfigMap']);

/** Kubernetes' own API groups; any other is a custom resource the cluster must know. */
const BUILTIN_GROUP =
  /^(v1|(apps|batch|policy|autoscaling|networking\.k8s\.io|rbac\.authorization\.k8s\.io|storage\.k8s\.io|coordination\.k8s\.io|scheduling\.k8s\.io|apiextensions\.k8s\.io|admissionregistration\.k8s\.io)\/.+)$/;

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The key an object is known by across versions. */
export function objectKey(o: KubeObjectLike): string {
  return `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
}

function immutableFields(o: KubeObjectLike): string {
  const rule = IMMUTABLE[o.kind];
  if (!rule) return '';
  const spec = o.spec ?? {};
  const picked: Record<string, unknown> = {};
  for (const f of rule.spec ?? []) picked[f] = spec[f];
  if (rule.specExcept) for (const [f, v] of Object.entries(spec)) if (!rule.specExcept.includes(f)) picked[f] = v;
  for (const f of rule.top ?? []) picked[f] = (o as unknown as Record<string, unknown>)[f];
  return canonical(picked);
}

/** The inventory of one synthesized stack. */
export function inventory(objects: readonly KubeObjectLike[]): Inventory {
  const groups = new Set(objects.map((o) => o.apiVersion).filter((v) => !BUILTIN_GROUP.test(v)));
  return {
    objects: Object.fromEntries(
      objects.map((o) => [objectKey(o), immutableFields(o)] as const).sort(([a], [b]) => (a < b ? -1 : 1)),
    ),
    customGroups: [...groups].map((v) => v.split('/')[0]!).sort(),
  };
}

/** Every key path a JSON Schema accepts, `*` standing for a map's key or a list's index. */
export function schemaKeys(schema: Record<string, unknown>): string[] {
  const defs = (schema.definitions ?? schema.$defs ?? {}) as Record<string, Record<string, unknown>>;
  const keys = new Set<string>();
  const walk = (node: Record<string, unknown> | undefined, at: string, seen: Set<string>): void => {
    if (!node || typeof node !== 'object') return;
    const ref = node.$ref as string | undefined;
    if (ref) {
      const name = ref.replace(/^#\/(definitions|\$defs)\//, '');
      if (seen.has(name)) return;
      walk(defs[name], at, new Set([...seen, name]));
      return;
    }
    for (const k of ['anyOf', 'oneOf', 'allOf'] as const)
      for (const sub of (node[k] as Record<string, unknown>[] | undefined) ?? []) walk(sub, at, seen);
    for (const [name, sub] of Object.entries((node.properties as Record<string, Record<string, unknown>>) ?? {})) {
      const path = `${at}/${name}`;
      keys.add(path);
      walk(sub, path, seen);
    }
    const more = node.additionalProperties;
    if (more && typeof more === 'object') walk(more as Record<string, unknown>, `${at}/*`, seen);
    const items = node.items;
    if (items && typeof items === 'object' && !Array.isArray(items))
      walk(items as Record<string, unknown>, `${at}/*`, seen);
  };
  walk(schema, '', new Set());
  return [...keys].sort();
}

/** One thing an upgrade from `from` to `to` asks of the user: what it is about, and why. */
export interface UpgradeAction {
  /** What the CHANGELOG's upgrade notes must name: `Kind namespace/name`, a config key, or an API group. */
  subject: string;
  why: string;
}

/** What upgrading from one version's output to another's asks of a user, per the rules above. */
export function upgradeActions(from: VersionInventory, to: VersionInventory): UpgradeAction[] {
  const actions = new Map<string, UpgradeAction>();
  const add = (subject: string, why: string) => {
    if (!actions.has(subject)) actions.set(subject, { subject, why });
  };
  for (const [profile, before] of Object.entries(from.profiles)) {
    const after = to.profiles[profile];
    if (!after) continue;
    for (const [key, fields] of Object.entries(before.objects)) {
      const now = after.objects[key];
      if (now === undefined && !INERT.has(key.split(' ')[0]!))
        add(key, `no longer rendered (${profile} profile): kubectl apply leaves it in place`);
      else if (now !== undefined && now !== fields)
        add(key, `an immutable field changes (${profile} profile): delete it, then apply`);
    }
    for (const group of after.customGroups)
      if (!before.customGroups.includes(group)) add(group, `newly needed custom resources (${profile} profile)`);
  }
  for (const key of from.configKeys) if (!to.configKeys.includes(key)) add(key, 'a config key the new version refuses');
  return [...actions.values()];
}
