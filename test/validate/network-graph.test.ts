import * as yaml from 'js-yaml';
import { ALL_CONFIGS, allObjects, KubeObject, PROFILE_CONFIGS } from '../helpers';

type Labels = Record<string, string>;
interface Workload { name: string; namespace: string; labels: Labels; text: string; containerPorts: Record<string, number> }

const NAME = 'app.kubernetes.io/name';
const subset = (sel: Labels | undefined, labels: Labels) => Object.entries(sel ?? {}).every(([k, v]) => labels[k] === v);

function workloads(objects: KubeObject[]): Workload[] {
  const configMaps = new Map(objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name, Object.values((o as any).data ?? {}).join('\n')]));
  return objects.filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'].includes(o.kind)).map((o) => {
    const pod = o.kind === 'CronJob' ? (o as any).spec.jobTemplate.spec.template : (o as any).spec.template;
    const containers = pod.spec.containers as any[];
    const text = [
      ...(pod.spec.volumes ?? []).filter((v: any) => v.configMap).map((v: any) => configMaps.get(v.configMap.name) ?? ''),
      ...containers.flatMap((c) => [...(c.args ?? []), ...(c.command ?? []), ...(c.env ?? []).map((e: any) => e.value ?? '')]),
    ].join('\n');
    const containerPorts = Object.fromEntries(containers.flatMap((c) => (c.ports ?? []).map((p: any) => [p.name, p.containerPort])));
    return { name: pod.metadata.labels[NAME], namespace: o.metadata.namespace!, labels: pod.metadata.labels, text, containerPorts };
  });
}

/** Every connection the rendered configs imply: `from>to:port`. */
function impliedConnections(objects: KubeObject[], namespace: string): Set<string> {
  const pods = workloads(objects);
  const services = new Map(objects.filter((o) => o.kind === 'Service').map((o) => [o.metadata.name, (o as any).spec.selector as Labels]));
  const out = new Set<string>();
  const address = new RegExp(`([a-z0-9-]+)\\.${namespace}\\.svc(?:\\.cluster\\.local)?:(\\d+)`, 'g');
  for (const source of pods) {
    for (const [, service, port] of source.text.matchAll(address)) {
      const selector = services.get(service);
      if (!selector) throw new Error(`${source.name} addresses ${service}.${namespace}.svc, which no Service provides`);
      for (const target of pods.filter((p) => subset(selector, p.labels))) out.add(`${source.name}>${target.name}:${port}`);
    }
    // Prometheus' pod-discovery jobs for the stack's own components: keep by name and port name.
    if (source.name === 'prometheus') {
      const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'prometheus') as any;
      const config = yaml.load(configMap.data['prometheus.yml']) as any;
      for (const job of config?.scrape_configs ?? []) {
        const keep = (label: string) => job.relabel_configs?.find((r: any) => r.action === 'keep' && r.source_labels?.[0] === label)?.regex;
        const target = pods.find((p) => p.name === keep('__meta_kubernetes_pod_label_app_kubernetes_io_name'));
        const portName = keep('__meta_kubernetes_pod_container_port_name');
        if (target && portName) out.add(`prometheus>${target.name}:${target.containerPorts[portName]}`);
      }
    }
  }
  return out;
}

interface Policy { namespace: string; podSelector: { matchLabels?: Labels }; policyTypes: string[]; ingress?: any[]; egress?: any[] }

/** Whether a NetworkPolicy peer (`from`/`to` entry) selects pod `w`, seen from a policy in `namespace`. */
function peerSelects(peer: any, w: Workload, namespace: string): boolean {
  if (!peer.podSelector) return false;
  const ns = peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] ?? (peer.namespaceSelector ? undefined : namespace);
  return ns === w.namespace && subset(peer.podSelector.matchLabels, w.labels);
}

/**
 * Every connection between stack pods the NetworkPolicies allow, with Kubernetes' semantics: a pod no
 * policy of a direction selects is open in that direction; a selected pod only as its rules say.
 */
function allowed(objects: KubeObject[]): { ingress: Set<string>; egress: Set<string>; both: (c: string) => boolean } {
  const pods = workloads(objects);
  const policies: Policy[] = objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => ({ namespace: o.metadata.namespace!, ...(o as any).spec }));
  const selecting = (w: Workload, type: string) => policies.filter((p) => p.namespace === w.namespace && p.policyTypes.includes(type) && subset(p.podSelector.matchLabels, w.labels));
  const ruleAllows = (rules: any[] | undefined, side: 'from' | 'to', other: Workload, port: number, namespace: string) =>
    (rules ?? []).some((r) => (r[side] ?? []).some((peer: any) => peerSelects(peer, other, namespace)) && (r.ports ?? []).some((p: any) => p.port === port && p.protocol === 'TCP'));
  const byName = new Map(pods.map((p) => [p.name, p]));
  const both = (c: string) => {
    const [, from, to, port] = /^(.+)>(.+):(\d+)$/.exec(c)!;
    const src = byName.get(from)!;
    const dst = byName.get(to)!;
    const out = selecting(src, 'Egress');
    const inn = selecting(dst, 'Ingress');
    return (out.length === 0 || out.some((p) => ruleAllows(p.egress, 'to', dst, Number(port), p.namespace)))
      && (inn.length === 0 || inn.some((p) => ruleAllows(p.ingress, 'from', src, Number(port), p.namespace)));
  };
  // What the rules name explicitly, to check that no allow exists without a connection.
  const ingress = new Set<string>();
  const egress = new Set<string>();
  for (const policy of policies) {
    for (const self of pods.filter((p) => p.namespace === policy.namespace && subset(policy.podSelector.matchLabels, p.labels))) {
      for (const [rules, side, set] of [[policy.ingress, 'from', ingress], [policy.egress, 'to', egress]] as const) {
        for (const rule of rules ?? []) {
          for (const peer of rule[side] ?? []) {
            for (const other of pods.filter((p) => peerSelects(peer, p, policy.namespace))) {
              for (const port of rule.ports ?? []) {
                if (port.protocol !== 'TCP') continue;
                set.add(side === 'from' ? `${other.name}>${self.name}:${port.port}` : `${self.name}>${other.name}:${port.port}`);
              }
            }
          }
        }
      }
    }
  }
  return { ingress, egress, both };
}

describe.each(Object.keys(ALL_CONFIGS))('the network policies of the %s config', (profile) => {
  const config = ALL_CONFIGS[profile];
  const objects = allObjects(config);
  const implied = impliedConnections(objects, config.common.namespace);
  const { ingress, egress, both } = allowed(objects);

  test('allow every connection the rendered configs imply, on both ends', () => {
    expect(implied.size).toBeGreaterThan(10);
    expect([...implied].filter((c) => !both(c))).toEqual([]);
  });

  test('allow no connection inside the namespace that no config implies', () => {
    expect([...ingress].filter((c) => !implied.has(c))).toEqual([]);
    expect([...egress].filter((c) => !implied.has(c))).toEqual([]);
  });

  test('deny everything else by default', () => {
    const deny = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'default-deny') as any;
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  test('explain every allow that crosses the namespace boundary', () => {
    for (const policy of objects.filter((o) => o.kind === 'NetworkPolicy') as any[]) {
      const crossing = [...(policy.spec.ingress ?? []).flatMap((r: any) => r.from), ...(policy.spec.egress ?? []).flatMap((r: any) => r.to)]
        .filter((p: any) => p.namespaceSelector || p.ipBlock);
      if (crossing.length > 0 && policy.metadata.name !== 'allow-dns') {
        expect(policy.metadata.annotations['agent-o11y.dev/why']).not.toBe('links between stack components');
      }
    }
  });
});

test('the graph check fails for a connection no policy allows', () => {
  const objects = allObjects(PROFILE_CONFIGS.dev).filter((o) => !(o.kind === 'NetworkPolicy' && o.metadata.name === 'logstash'));
  const implied = impliedConnections(objects, 'observability');
  const { both } = allowed(objects);
  expect([...implied].filter((c) => !both(c))).toContain('otel-collector>logstash:8080');
});
