import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { loadConfig } from '../../src/config/loader';
import { StackConfig } from '../../src/config/types';
import { stackApp, withStackProblems } from '../stack';

/** One Kubernetes object, as the cdk8s app synthesizes it. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [field: string]: unknown };
  readonly [field: string]: unknown;
}

/** The objects of one cdk8s chart, i.e. of one component (`dist/<component>.k8s.yaml`). */
export interface ComponentObjects {
  readonly component: string;
  readonly objects: readonly KubeObject[];
}

/** The stack's objects per component, synthesized in memory (no files) in the order `cdk8s synth` writes them. */
export function componentObjects(config: StackConfig): ComponentObjects[] {
  const { app } = stackApp(config);
  return app.charts.map((chart) => ({ component: chart.node.id, objects: chart.toJson() as KubeObject[] }));
}

/** Every object the cdk8s app synthesizes; `AgentO11yStack` deploys exactly these. */
export function stackObjects(config: StackConfig): KubeObject[] {
  return componentObjects(config).flatMap((c) => c.objects);
}

function isNamespace(obj: KubeObject): boolean {
  return obj.apiVersion === 'v1' && obj.kind === 'Namespace';
}

/** Where the stack's config comes from: give exactly one of the two. */
export interface AgentO11yStackArgs {
  /** A resolved stack config (see `resolveConfig`). @default - read from `configFile` */
  readonly config?: StackConfig;
  /** A YAML stack config file, resolved by `loadConfig` as `cdk8s synth` does. @default - `config` is used */
  readonly configFile?: string;
}

function resolveArgs(args: AgentO11yStackArgs): StackConfig {
  if (args.config !== undefined && args.configFile !== undefined) {
    throw new Error(
      `agent-o11y: give args.config or args.configFile, not both (configFile ${JSON.stringify(args.configFile)})`,
    );
  }
  if (args.config !== undefined) return args.config;
  if (args.configFile !== undefined) return withStackProblems(() => loadConfig(args.configFile!));
  throw new Error('agent-o11y: args.config or args.configFile is required, got neither');
}

/**
 * The whole observability stack as one Pulumi component: the same objects `cdk8s synth` writes, one
 * Kubernetes resource each, named `<namespace>/<name>` (or `<name>` for cluster-scoped objects).
 *
 * The Namespace is created first and every other object depends on it. The `cert-manager.io/v1` Issuers
 * and Certificates need cert-manager in the cluster: pass its release in `opts.dependsOn` and the
 * Namespace, and so everything else, waits for it.
 */
export class AgentO11yStack extends pulumi.ComponentResource {
  /** The config the stack was synthesized from. */
  public readonly config: StackConfig;
  /** The stack's Namespace objects; every other object depends on them. */
  public readonly namespaces: readonly k8s.core.v1.Namespace[];
  /** Every Kubernetes resource of the stack; resolves once all of them exist. */
  public readonly resources: pulumi.Output<pulumi.CustomResource[]>;

  constructor(name: string, args: AgentO11yStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super('agent-o11y:index:Stack', name, {}, opts);
    this.config = resolveArgs(args);
    const components = componentObjects(this.config);

    // Children do not inherit the component's dependsOn; the Namespace carries it for all of them.
    const namespaces = components
      .flatMap((c) => c.objects.filter(isNamespace))
      .map(
        (obj) =>
          new k8s.core.v1.Namespace(obj.metadata.name, obj as k8s.core.v1.NamespaceArgs, {
            parent: this,
            dependsOn: opts?.dependsOn,
          }),
      );
    this.namespaces = namespaces;

    // ConfigGroup (v1) maps each apiVersion/kind to its typed resource (CustomResource for cert-manager's kinds).
    const groups = components
      .map(({ component, objects }) => ({ component, objects: objects.filter((obj) => !isNamespace(obj)) }))
      .filter(({ objects }) => objects.length > 0)
      .map(
        ({ component, objects }) =>
          new k8s.yaml.ConfigGroup(
            `${name}-${component}`,
            {
              objs: objects,
              transformations: [
                (_obj: KubeObject, childOpts: pulumi.CustomResourceOptions) => {
                  childOpts.dependsOn = namespaces;
                },
              ],
            },
            { parent: this },
          ),
      );

    this.resources = pulumi
      .all(groups.map((group) => group.resources))
      .apply((maps) => [...namespaces, ...maps.flatMap((resources) => Object.values(resources))]);
    this.registerOutputs({ resources: this.resources });
  }
}
