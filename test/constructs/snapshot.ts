import { Yaml } from 'cdk8s';
import { KubeObject } from '../helpers';

/** YAML of a component's file, as a reviewer reads it in dist/. */
export function fileYaml(objects: KubeObject[]): string {
  return Yaml.stringify(...objects);
}

/** The pod template spec of a workload. */
export function podSpec(obj: KubeObject): {
  /** A pod has at least one container. */
  containers: [Record<string, any>, ...Array<Record<string, any>>];
  volumes?: Array<Record<string, any>>;
  [k: string]: any;
} {
  return (obj as any).spec.template.spec;
}
