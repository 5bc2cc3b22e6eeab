import { ALL_CONFIGS, allObjects, KubeObject } from '../helpers';
import { crdValidators } from '../operator-judge';

/** The Prometheus Operator's own CRD schemas (scripts/judges.sh), for its objects. */
const operatorSchemas = crdValidators();
/** ECK's own CRD schemas (scripts/eck-crds.sh), for its objects. */
const eckSchemas = crdValidators('eck-crds');

/** The kubernetes-models class that validates an object, by apiVersion and kind. */
function modelFor(obj: KubeObject): { new (data: unknown): { validate(): void } } {
  const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
  if (group === 'monitoring.coreos.com' || group?.endsWith('.k8s.elastic.co')) {
    const schemas = group === 'monitoring.coreos.com' ? operatorSchemas : eckSchemas;
    const validate = schemas.get(`${obj.apiVersion}/${obj.kind}`);
    if (!validate) throw new Error(`no schema for ${obj.apiVersion} ${obj.kind}`);
    return class {
      constructor(private readonly data: unknown) {}
      validate(): void {
        const problems = validate(this.data);
        if (problems.length > 0) throw new Error(problems.join('; '));
      }
    };
  }
  const module =
    group === 'cert-manager.io'
      ? `@kubernetes-models/cert-manager/${group}/${version}/${obj.kind}`
      : `kubernetes-models/${group ? `${group}/` : ''}${version}/${obj.kind}`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(module) as Record<string, { new (data: unknown): { validate(): void } }>;
  const model = loaded[obj.kind];
  if (!model) throw new Error(`no schema for ${obj.apiVersion} ${obj.kind}`);
  return model;
}

describe.each(Object.keys(ALL_CONFIGS))('every object of the %s config', (profile) => {
  const objects = allObjects(ALL_CONFIGS[profile]!);

  test('validates against its Kubernetes schema', () => {
    const failures: string[] = [];
    for (const obj of objects) {
      try {
        new (modelFor(obj))(obj).validate();
      } catch (e) {
        failures.push(`${obj.kind}/${obj.metadata.name}: ${(e as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
    expect(objects.length).toBeGreaterThan(30);
  });

  test('has a unique kind, namespace and name', () => {
    const keys = objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  test('carries a namespace exactly when it is namespaced', () => {
    const clusterScoped = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'ClusterIssuer']);
    for (const obj of objects) {
      expect([obj.kind, obj.metadata.namespace === undefined]).toEqual([obj.kind, clusterScoped.has(obj.kind)]);
    }
  });
});

test('fails validation for a broken object, so the check above can fail', () => {
  const broken = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'x' },
    spec: { replicas: 'three' },
  } as unknown as KubeObject;
  expect(() => new (modelFor(broken))(broken).validate()).toThrow();
});
