import { JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { PART_OF } from '../src/lib/component';
import { show } from '../src/lib/problems';

export interface StackNamespaceProps {
  readonly name: string;
  /**
   * Pod Security Standard enforced on every pod of the namespace. Only the collector agent's
   * namespace is "privileged" (it reads the node's log files); it still audits and warns at "baseline".
   * @default 'restricted'
   */
  readonly podSecurity?: 'restricted' | 'privileged';
  /** The config key its name comes from, for problem lines. @default '/common/namespace' */
  readonly configPath?: string;
}

/** Namespaces of the cluster's own, which the stack must not take over. */
const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** A Namespace of the stack; it enforces a Pod Security Standard on every pod ("restricted" unless told). */
export class StackNamespace extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: StackNamespaceProps) {
    super(scope, id);
    this.name = props.name;
    const level = props.podSecurity ?? 'restricted';
    this.node.addValidation({
      validate: () =>
        SYSTEM_NAMESPACES.includes(props.name)
          ? [
              `${props.configPath ?? '/common/namespace'}: must be a namespace of the stack's own (it gets default-deny NetworkPolicies and the "${level}" Pod Security Standard), not ${SYSTEM_NAMESPACES.join(', ')}, got ${show(props.name)}`,
            ]
          : [],
    });
    // A privileged namespace still reports what "baseline" would reject, so a new exception is seen.
    const report = level === 'restricted' ? 'restricted' : 'baseline';
    const ns = new k8s.KubeNamespace(this, 'Resource', {
      metadata: {
        name: props.name,
        labels: {
          'app.kubernetes.io/part-of': PART_OF,
          'pod-security.kubernetes.io/enforce': level,
          'pod-security.kubernetes.io/enforce-version': 'latest',
          'pod-security.kubernetes.io/warn': report,
          'pod-security.kubernetes.io/audit': report,
        },
      },
    });
    ns.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  }
}
