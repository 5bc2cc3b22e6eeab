/**
 * What the real tools read for a config in Prometheus Operator mode (prometheusOperator.enabled): the
 * PrometheusRules' groups as rule files, and the alertmanager.yml the operator generates from the
 * AlertmanagerConfig over a kube-prometheus-stack release's own configuration.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import * as yaml from 'js-yaml';
import {
  ALERTMANAGER_CONFIG_NAME,
  MatcherStrategy,
  operatorAlertmanagerFile,
  OperatorAlertmanagerConfigSpec,
} from '../constructs/prometheus-operator';
import type { AlertmanagerConfigFile } from '../constructs/alertmanager-config';
import type { StackConfig } from '../src/config/types';
import type { KubeObject } from './helpers';
import { requireTool } from './tools';

/**
 * kube-prometheus-stack's default `alertmanager.config` (its values.yaml): everything to the `null`
 * receiver, Watchdog explicitly, and its severity inhibitions.
 */
export const KUBE_PROMETHEUS_STACK_ALERTMANAGER: AlertmanagerConfigFile = {
  route: {
    receiver: 'null',
    group_by: ['namespace'],
    group_wait: '30s',
    group_interval: '5m',
    repeat_interval: '12h',
    routes: [{ receiver: 'null', matchers: ['alertname = "Watchdog"'] }],
  },
  receivers: [{ name: 'null' }],
  inhibit_rules: [
    {
      source_matchers: ['severity = critical'],
      target_matchers: ['severity =~ warning|info'],
      equal: ['namespace', 'alertname'],
    },
    {
      source_matchers: ['severity = warning'],
      target_matchers: ['severity = info'],
      equal: ['namespace', 'alertname'],
    },
  ],
};

/** Each PrometheusRule's groups as a rule file, by object name. */
export function operatorRuleFiles(objects: readonly KubeObject[]): Record<string, string> {
  return Object.fromEntries(
    objects
      .filter((o) => o.kind === 'PrometheusRule')
      .map((o) => [`${o.metadata.name}.rules.yaml`, yaml.dump((o as KubeObject & { spec: object }).spec)]),
  );
}

/** The alertmanager.yml the release's Alertmanager runs with the stack's AlertmanagerConfig merged in. */
export function operatorAlertmanagerYml(
  objects: readonly KubeObject[],
  config: StackConfig,
  strategy: MatcherStrategy,
  secretsDir = '/etc/alertmanager/secrets',
): string {
  const object = objects.find((o) => o.kind === 'AlertmanagerConfig' && o.metadata.name === ALERTMANAGER_CONFIG_NAME);
  if (!object) throw new Error(`no AlertmanagerConfig ${ALERTMANAGER_CONFIG_NAME}`);
  const spec = (object as KubeObject & { spec: OperatorAlertmanagerConfigSpec }).spec;
  return yaml.dump(
    operatorAlertmanagerFile(
      spec,
      {
        namespace: object.metadata.namespace ?? config.common.namespace,
        name: object.metadata.name,
        strategy,
        secretsDir,
      },
      KUBE_PROMETHEUS_STACK_ALERTMANAGER,
    ),
    { lineWidth: -1, noRefs: true },
  );
}

/**
 * An operator's CRD schemas by `apiVersion/kind`, from the release scripts/judges.sh fetched (ECK's:
 * scripts/eck-crds.sh). The API
 * server prunes fields a structural schema does not declare, and strict field validation (kubectl's
 * default) refuses them: every declared object here admits no other property.
 */
export function crdValidators(
  tool: 'prometheus-operator-crds' | 'eck-crds' = 'prometheus-operator-crds',
): Map<string, (o: unknown) => string[]> {
  const dir = execFileSync(requireTool(tool), { encoding: 'utf8' }).trim();
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const closed = (schema: any): any => {
    if (Array.isArray(schema)) return schema.map(closed);
    if (!schema || typeof schema !== 'object') return schema;
    const out = Object.fromEntries(
      Object.entries(schema).map(([k, v]) => [
        k,
        k === 'properties'
          ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, closed(s)]))
          : closed(v),
      ]),
    );
    if (
      schema.properties &&
      schema.additionalProperties === undefined &&
      !schema['x-kubernetes-preserve-unknown-fields']
    )
      out.additionalProperties = false;
    // A Go pattern JavaScript cannot compile (inline flags such as (?i), in time intervals' month names).
    if (typeof schema.pattern === 'string' && !compiles(schema.pattern)) delete out.pattern;
    return out;
  };
  const validators = new Map<string, (o: unknown) => string[]>();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    const crd = yaml.load(fs.readFileSync(path.join(dir, file), 'utf8')) as any;
    for (const version of crd.spec.versions) {
      const schema = closed(version.schema.openAPIV3Schema);
      // metadata is the API server's ObjectMeta, not the CRD's to declare.
      schema.properties.metadata = { type: 'object' };
      const validate = ajv.compile(schema);
      validators.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, (o) =>
        validate(o)
          ? []
          : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`),
      );
    }
  }
  return validators;
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}
