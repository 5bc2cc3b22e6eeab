/**
 * What the real tools read for a config in Prometheus Operator mode (prometheusOperator.enabled): the
 * PrometheusRules' groups as rule files, and the alertmanager.yml the operator generates from the
 * AlertmanagerConfig over a kube-prometheus-stack release's own configuration.
 */
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
