import { JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { PART_OF } from '../src/lib/component';

export interface StackNamespaceProps {
  readonly name: string;
  /**
   * Pod Security Standard enforced on every pod of the namespace. Only the collector agent's
   * namespace is "privileged" (it reads the node's log files); it still audits and warns at "baseline".
   * @default 'restricted'
   */
  readonly podSecurity?: 'restricted' | 'privileged';
}

/** A Namespace of the stack; it enforces a Pod Security Standard on every pod ("restricted" unless told). */
export class StackNamespace extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: StackNamespaceProps) {
    super(scope, id);
    this.name = props.name;
    const level = props.podSecurity ?? 'restricted';
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
