import { JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { PART_OF } from '../src/lib/component';

export interface StackNamespaceProps {
  readonly name: string;
}

/** The stack's Namespace; it enforces the Pod Security Standard "restricted" on every pod. */
export class StackNamespace extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: StackNamespaceProps) {
    super(scope, id);
    this.name = props.name;
    const ns = new k8s.KubeNamespace(this, 'Resource', {
      metadata: {
        name: props.name,
        labels: {
          'app.kubernetes.io/part-of': PART_OF,
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
        },
      },
    });
    ns.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  }
}
