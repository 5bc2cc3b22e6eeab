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
  OperatorAlertmanagerConfigSpec,
  OperatorMatcher,
  OperatorReceiver,
  OperatorRoute,
  SecretKeySelector,
} from '../constructs/prometheus-operator';
import type { AlertmanagerConfigFile, ReceiverFile, RouteFile } from '../constructs/alertmanager-config';
import type { StackConfig } from '../src/config/types';
import type { KubeObject } from './helpers';
import { requireTool } from './tools';

/**
 * How the release's Alertmanager adds an AlertmanagerConfig to its configuration
 * (`alertmanagerConfigMatcherStrategy`): `OnNamespace` (the operator's default) matches only alerts
 * labelled with the object's namespace; `None` matches every alert.
 */
export type MatcherStrategy = 'OnNamespace' | 'None';

/**
 * The alertmanager.yml the operator generates from the AlertmanagerConfig over a release's own
 * configuration (`base`): its top route becomes the first child of the base's root, with `continue:
 * true` and, OnNamespace, a `namespace` matcher (also added to each inhibit rule's source and target);
 * each receiver is named `<namespace>/<name>/<receiver>`; a Secret key is read from `secretsDir`.
 * amtool judges it, and the routing tests route alerts through it. This is our model of the operator's
 * translation (its pkg/alertmanager), kept here beside the judges that read it, not in what synth ships.
 */
export function operatorAlertmanagerFile(
  spec: OperatorAlertmanagerConfigSpec,
  at: { namespace: string; name: string; strategy: MatcherStrategy; secretsDir: string },
  base: AlertmanagerConfigFile,
): AlertmanagerConfigFile {
  const prefixed = (receiver: string) => `${at.namespace}/${at.name}/${receiver}`;
  const file = (s: SecretKeySelector) => `${at.secretsDir}/${s.name}/${s.key}`;
  const matcher = (m: OperatorMatcher) => `${m.name}${m.matchType}${JSON.stringify(m.value)}`;
  const ns = at.strategy === 'OnNamespace' ? [`namespace="${at.namespace}"`] : [];
  const route = (r: OperatorRoute, top: boolean): RouteFile => ({
    ...(r.receiver !== undefined ? { receiver: prefixed(r.receiver) } : {}),
    ...(top || r.matchers ? { matchers: [...(top ? ns : []), ...(r.matchers ?? []).map(matcher)] } : {}),
    ...(r.groupBy ? { group_by: r.groupBy } : {}),
    ...(r.groupWait ? { group_wait: r.groupWait } : {}),
    ...(r.groupInterval ? { group_interval: r.groupInterval } : {}),
    ...(r.repeatInterval ? { repeat_interval: r.repeatInterval } : {}),
    ...(top ? { continue: true } : r.continue !== undefined ? { continue: r.continue } : {}),
    ...(r.routes ? { routes: r.routes.map((child) => route(child, false)) } : {}),
  });
  const receiver = (r: OperatorReceiver): ReceiverFile => ({
    name: prefixed(r.name),
    ...(r.slackConfigs
      ? {
          slack_configs: r.slackConfigs.map((s) => ({
            api_url_file: file(s.apiURL),
            ...(s.channel !== undefined ? { channel: s.channel } : {}),
            send_resolved: s.sendResolved,
            title: s.title,
            text: s.text,
          })),
        }
      : {}),
    ...(r.pagerdutyConfigs
      ? {
          pagerduty_configs: r.pagerdutyConfigs.map((p) => ({
            routing_key_file: file(p.routingKey),
            send_resolved: p.sendResolved,
          })),
        }
      : {}),
    ...(r.emailConfigs
      ? {
          email_configs: r.emailConfigs.map((e) => ({
            to: e.to,
            from: e.from,
            smarthost: e.smarthost,
            ...(e.authUsername ? { auth_username: e.authUsername } : {}),
            ...(e.authPassword ? { auth_password_file: file(e.authPassword) } : {}),
            require_tls: e.requireTLS,
            send_resolved: e.sendResolved,
          })),
        }
      : {}),
    ...(r.opsgenieConfigs
      ? {
          opsgenie_configs: r.opsgenieConfigs.map((o) => ({
            api_key_file: file(o.apiKey),
            send_resolved: o.sendResolved,
          })),
        }
      : {}),
    ...(r.webhookConfigs
      ? {
          webhook_configs: r.webhookConfigs.map((w) => ({
            url_file: file(w.urlSecret),
            send_resolved: w.sendResolved,
          })),
        }
      : {}),
  });
  return {
    route: { ...base.route, routes: [route(spec.route, true), ...(base.route.routes ?? [])] },
    receivers: [...base.receivers, ...spec.receivers.map(receiver)],
    inhibit_rules: [
      ...base.inhibit_rules,
      ...spec.inhibitRules.map((r) => ({
        source_matchers: [...ns, ...r.sourceMatch.map(matcher)],
        target_matchers: [...ns, ...r.targetMatch.map(matcher)],
        ...(r.equal ? { equal: r.equal } : {}),
      })),
    ],
  };
}

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
