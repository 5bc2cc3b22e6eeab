import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { resolveConfig } from '../../src/config/loader';
import { StackConfig } from '../../src/config/types';
import { AgentO11yStack, KubeObject, stackObjects } from '../../app/pulumi';
import { stackApp } from '../../app/stack';

/** A Kubernetes resource as the Pulumi engine saw it. */
interface Registration {
  readonly type: string;
  readonly name: string;
  readonly inputs: KubeObject;
}

interface Deployment {
  readonly stack: AgentO11yStack;
  /** Every custom (Kubernetes) resource registered, in registration order. */
  readonly registrations: readonly Registration[];
  /** The resource options each Kubernetes resource was created with, by `<type> <name>`. */
  readonly options: ReadonlyMap<string, pulumi.CustomResourceOptions>;
}

/** Instantiates the component under Pulumi mocks and waits until every Kubernetes resource is registered. */
async function deploy(
  args: { config?: StackConfig; configFile?: string },
  /** Makes the resources the stack depends on, once the mocks are in place. */
  dependsOn?: () => pulumi.Resource[],
): Promise<Deployment> {
  const registrations: Registration[] = [];
  const options = new Map<string, pulumi.CustomResourceOptions>();
  await pulumi.runtime.setMocks(
    {
      newResource: (resource) => {
        if (resource.custom) registrations.push({ type: resource.type, name: resource.name, inputs: resource.inputs });
        return { id: `${resource.name}_id`, state: resource.inputs };
      },
      call: () => ({}),
    },
    'agent-o11y',
    'test',
    false,
  );
  const stack = new AgentO11yStack('agent-o11y', args, {
    dependsOn: dependsOn?.(),
    // Component transformations reach every descendant: this records the options each resource got.
    transformations: [
      (resource) => {
        if (resource.type.startsWith('kubernetes:') && resource.type !== 'kubernetes:yaml:ConfigGroup') {
          options.set(`${resource.type} ${resource.name}`, resource.opts);
        }
        return undefined;
      },
    ],
  });
  await new Promise<void>((resolve) => {
    stack.resources.apply((resources) => pulumi.all(resources.map((r) => r.urn))).apply(() => resolve());
  });
  return { stack, registrations, options };
}

/** `kubernetes:apps/v1:StatefulSet` names apiVersion `apps/v1`; the core group is `core/v1` there and `v1` in manifests. */
function apiVersionOf(type: string): string {
  const [, groupVersion = ''] = type.split(':');
  return groupVersion.replace(/^core\//, '');
}

function identity(apiVersion: string, kind: string, namespace: string | undefined, name: string): string {
  return `${apiVersion} ${kind} ${namespace ?? '-'}/${name}`;
}

function registeredIdentity(r: Registration): string {
  return identity(apiVersionOf(r.type), r.type.split(':')[2]!, r.inputs.metadata.namespace, r.inputs.metadata.name);
}

function objectIdentity(obj: KubeObject): string {
  return identity(obj.apiVersion, obj.kind, obj.metadata.namespace, obj.metadata.name);
}

/** What `cdk8s synth` would write, taken straight from the app rather than through `stackObjects`. */
function synthesized(config: StackConfig): KubeObject[] {
  return stackApp(config).app.charts.flatMap((chart) => chart.toJson() as KubeObject[]);
}

/** Stands in for a cert-manager release the stack must wait for. */
class CertManager extends pulumi.CustomResource {
  constructor(name: string) {
    super('test:index:CertManager', name, {});
  }
}

describe.each([
  ['the default config', {}],
  ['the production profile', { profile: 'production' }],
])('AgentO11yStack with %s', (_label, document) => {
  const config = resolveConfig(document);
  const expected = synthesized(config);
  let deployment: Deployment;

  beforeAll(async () => {
    deployment = await deploy({ config });
  });

  test('stackObjects returns exactly the objects the cdk8s app synthesizes, in order', () => {
    expect(expected.length).toBeGreaterThan(0);
    expect(stackObjects(config)).toEqual(expected);
  });

  test('registers one Kubernetes resource per synthesized object and nothing else', () => {
    const registered = deployment.registrations.map(registeredIdentity);
    expect(registered.length).toBeGreaterThan(0);
    expect(registered.length).toBe(expected.length);
    expect(new Set(registered).size).toBe(registered.length);
    expect(new Set(registered)).toEqual(new Set(expected.map(objectIdentity)));
  });

  test('gives each resource its real type token and a name of namespace/name', () => {
    for (const r of deployment.registrations) {
      const { apiVersion, kind, metadata } = r.inputs;
      const group = apiVersion.includes('/') ? apiVersion : `core/${apiVersion}`;
      expect(r.type).toBe(`kubernetes:${group}:${kind}`);
      expect(r.name).toBe(metadata.namespace === undefined ? metadata.name : `${metadata.namespace}/${metadata.name}`);
    }
    const types = new Set(deployment.registrations.map((r) => r.type));
    expect(types).toContain('kubernetes:core/v1:Namespace');
    expect(types).toContain('kubernetes:apps/v1:StatefulSet');
    expect(types).toContain('kubernetes:cert-manager.io/v1:Certificate');
  });

  test('passes every synthesized object to Pulumi field for field', () => {
    const byIdentity = new Map(deployment.registrations.map((r) => [registeredIdentity(r), r.inputs]));
    for (const obj of expected) {
      expect(byIdentity.get(objectIdentity(obj))).toEqual(obj);
    }
  });

  test('creates the Namespaces first and makes every other object depend on them', () => {
    const namespaces = deployment.stack.namespaces;
    // The stack's namespace and the collector agent's.
    expect(namespaces).toHaveLength(2);
    expect(deployment.registrations.slice(0, 2).map((r) => r.type)).toEqual([
      'kubernetes:core/v1:Namespace',
      'kubernetes:core/v1:Namespace',
    ]);
    expect(deployment.options.size).toBe(expected.length);
    for (const [resource, opts] of deployment.options) {
      if (resource.startsWith('kubernetes:core/v1:Namespace ')) continue;
      expect({ resource, dependsOn: opts.dependsOn }).toEqual({ resource, dependsOn: namespaces });
    }
  });
});

describe('AgentO11yStack config', () => {
  test('reads the stack config from configFile as loadConfig does', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-o11y-pulumi-'));
    try {
      const file = path.join(dir, 'agent-o11y.yaml');
      fs.writeFileSync(file, 'profile: production\n');
      const { stack, registrations } = await deploy({ configFile: file });
      expect(stack.config).toEqual(resolveConfig({ profile: 'production' }));
      expect(registrations).toHaveLength(stackObjects(stack.config).length);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('creates the Namespace after whatever the caller makes the stack depend on', async () => {
    const dependencies: pulumi.Resource[] = [];
    const { options } = await deploy({ config: resolveConfig({}) }, () => {
      dependencies.push(new CertManager('cert-manager'));
      return dependencies;
    });
    expect(dependencies).toHaveLength(1);
    expect(options.get('kubernetes:core/v1:Namespace observability')?.dependsOn).toEqual(dependencies);
  });

  test('checks a config it is given as resolveConfig checks a file: the same one-line problems', () => {
    const dev = resolveConfig({});
    const config = { ...dev, alertmanager: { ...dev.alertmanager, replicas: 2 } };
    expect(() => new AgentO11yStack('two-peers', { config })).toThrow(
      '/alertmanager/replicas: 2 peers cannot keep quorum, use 1 or 3 and more, got 2',
    );
  });

  test('fails when neither config nor configFile is given', () => {
    expect(() => new AgentO11yStack('broken', {})).toThrow('args.config or args.configFile is required');
  });

  test('fails when both config and configFile are given', () => {
    expect(() => new AgentO11yStack('broken', { config: resolveConfig({}), configFile: 'agent-o11y.yaml' })).toThrow(
      'not both',
    );
  });
});
