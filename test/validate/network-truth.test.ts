import { ALL_CONFIGS, allObjects, PROFILE_CONFIGS } from '../helpers';
import { resolveConfig } from '../../src/config/loader';
import {
  connections,
  eckObjects,
  key,
  KUBELET,
  kubePrometheusStackPrometheus,
  NetworkTruth,
  selects,
} from './network-truth';
import { StackConfig } from '../../src/config/types';

/** The pods outside the rendered objects that a config's links reach: a kube-prometheus-stack release's Prometheus. */
export function externalPods(config: StackConfig) {
  const operator = config.prometheusOperator;
  return operator.enabled ? [kubePrometheusStackPrometheus(operator.release, operator.namespace)] : [];
}

/**
 * The NetworkPolicies against what the rendered configs really dial (network-truth.ts): found in the
 * configs, resolved through the rendered Services, judged with Kubernetes' semantics, never through
 * the stack's own link model.
 */
describe.each(Object.keys(ALL_CONFIGS))('the network of the %s config', (name) => {
  const config = ALL_CONFIGS[name]!;
  const rendered = allObjects(config);
  // With ECK, what its operator makes of the Elasticsearch resource is part of the network too.
  const objects = [...rendered, ...eckObjects(rendered, config.common.namespace)];
  const found = connections(objects, config.common.namespace, externalPods(config));
  const truth = new NetworkTruth(objects, config.common.namespace, externalPods(config));

  test('allows every connection a rendered config opens, at both ends', () => {
    expect(found.length).toBeGreaterThan(10);
    const denied = found.map((c) => [key(c), c.source, truth.denied(c)]).filter(([, , why]) => why !== undefined);
    expect(denied).toEqual([]);
  });

  test('allows no connection between its pods that no config opens', () => {
    const opened = new Set(found.map(key));
    const extra = truth
      .allowedByRules()
      .filter((a) => !opened.has(key(a)))
      .map((a) => `${key(a)} (${a.policy})`);
    expect([...new Set(extra)]).toEqual([]);
  });

  test('denies by default in every namespace it puts pods in', () => {
    expect(truth.undefended()).toEqual([]);
  });

  test("names, as each StatefulSet's serviceName, a headless Service that selects its pods", () => {
    const problems = objects
      .filter((o) => o.kind === 'StatefulSet')
      .flatMap((set: any) => {
        const service: any = objects.find(
          (o) =>
            o.kind === 'Service' &&
            o.metadata.name === set.spec.serviceName &&
            o.metadata.namespace === set.metadata.namespace,
        );
        if (!service) return [`${set.metadata.name}: no Service ${set.spec.serviceName}`];
        if (service.spec.clusterIP !== 'None') return [`${set.metadata.name}: ${set.spec.serviceName} is not headless`];
        return selects({ matchLabels: service.spec.selector }, set.spec.template.metadata.labels)
          ? []
          : [`${set.metadata.name}: ${set.spec.serviceName} selects other pods`];
      });
    expect(problems).toEqual([]);
  });
});

test('the truth finds an address whose port is a sibling key (the load_balancing resolver) and judges it', () => {
  const config = PROFILE_CONFIGS.production;
  const objects = allObjects(config);
  const routing = connections(objects, config.common.namespace).filter(
    (c) => c.from === 'StatefulSet/otel-collector' && c.to === 'StatefulSet/otel-collector',
  );
  expect(routing.map((c) => [c.port, c.source])).toContainEqual([
    4319,
    expect.stringContaining('resolver.dns.hostname'),
  ]);
  // Without the gateway's own policy the namespace's default deny stops it.
  const open = new NetworkTruth(
    objects.filter((o) => !(o.kind === 'NetworkPolicy' && o.metadata.name === 'otel-collector')),
    config.common.namespace,
  );
  expect(open.denied(routing[0]!)).toMatch(/denied by default-deny/);
});

test('opens the UIs to every namespace only when the config says allNamespaces, and to labelled ones otherwise', () => {
  const uiRule = (uiFrom: object) => {
    const policy: any = allObjects(resolveConfig({ network: { uiFrom } })).find(
      (o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'grafana',
    );
    return policy.spec.ingress.find(
      (r: any) => r.ports?.some((p: any) => p.port === 3000) && r.from.some((f: any) => f.namespaceSelector),
    ).from;
  };
  expect(uiRule({ allNamespaces: true })).toEqual([{ namespaceSelector: {} }]);
  expect(uiRule({ matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } })).toEqual([
    { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } },
  ]);
});

test("the truth finds Prometheus' and the agent's connections to every node's kubelet, and judges them", () => {
  const config = PROFILE_CONFIGS.dev;
  const objects = allObjects(config);
  const kubelet = connections(objects, config.common.namespace)
    .filter((c) => c.to === KUBELET)
    .map(key);
  expect([...new Set(kubelet)].sort()).toEqual([
    'DaemonSet/otel-agent > Node/kubelet:10250',
    'StatefulSet/prometheus > Node/kubelet:10250',
  ]);
  // Without Prometheus' egress to the nodes' addresses at 10250, its kubelet jobs are denied.
  const withoutNodes = objects.map((o: any) =>
    o.kind === 'NetworkPolicy' && o.metadata.name === 'prometheus'
      ? {
          ...o,
          spec: {
            ...o.spec,
            egress: o.spec.egress.filter((r: any) => !(r.ports ?? []).some((p: any) => p.port === 10250)),
          },
        }
      : o,
  );
  expect(
    new NetworkTruth(withoutNodes, config.common.namespace).denied({
      from: 'StatefulSet/prometheus',
      to: KUBELET,
      port: 10250,
    }),
  ).toBeDefined();
});

test("the truth finds the kube-prometheus-stack release's scrapes of the stack's pods from its own namespace, and judges them", () => {
  const config = ALL_CONFIGS['examples/kube-prometheus-stack']!;
  const objects = allObjects(config);
  const external = externalPods(config);
  const scrapes = connections(objects, config.common.namespace, external).filter(
    (c) => c.from === external[0]!.workload,
  );
  expect(scrapes.map(key)).toContain(
    'StatefulSet/prometheus-kube-prometheus-stack-prometheus > StatefulSet/otel-collector:8889',
  );
  expect(scrapes.map((c) => c.source)).toContain('PodMonitor observability/agents');
  // Without the collector's ingress from the release's namespace, the namespace's default deny stops it.
  const closed = objects.map((o: any) =>
    o.kind === 'NetworkPolicy' && o.metadata.name === 'otel-collector'
      ? {
          ...o,
          spec: {
            ...o.spec,
            ingress: o.spec.ingress.filter(
              (r: any) =>
                !(r.from ?? []).some(
                  (f: any) => f.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'monitoring',
                ),
            ),
          },
        }
      : o,
  );
  const agents = scrapes.find((c) => c.port === 8889)!;
  expect(new NetworkTruth(closed, config.common.namespace, external).denied(agents)).toMatch(/ingress denied/);
});
