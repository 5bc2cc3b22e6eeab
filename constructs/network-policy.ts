import { JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { LabelSelector } from '../src/config/types';
import { byCodePoint, Component, Link, PART_OF, Peer, Topology } from '../src/lib/component';

/** An allow that no link between components implies, with the reason it exists. */
export interface ExternalAllow {
  /** Pods the rule applies to. */
  readonly peer: Peer;
  readonly direction: 'ingress' | 'egress';
  /** The other side's namespaces; omitted: anywhere. */
  readonly namespaces?: LabelSelector | NamespaceExpression;
  readonly ipBlock?: string;
  /** Ports; empty: every port. */
  readonly ports: readonly { port: number; protocol?: 'TCP' | 'UDP' }[];
  readonly why: string;
}

/** Namespaces chosen by a set-based requirement, such as every namespace but the stack's. */
export interface NamespaceExpression {
  readonly matchExpressions: ReadonlyArray<{ key: string; operator: 'In' | 'NotIn'; values: readonly string[] }>;
}

export interface StackNetworkPoliciesProps {
  /** The namespace the policies are in. */
  readonly namespace: string;
  /** Every component with pods in the namespace. */
  readonly components: readonly Component[];
  /** Pods that are not components (Jobs), so they get policies too. */
  readonly otherPeers?: readonly Peer[];
  /** Allows for traffic that crosses the namespace boundary. */
  readonly external: readonly ExternalAllow[];
}

const DNS_PORTS = [
  { port: 53, protocol: 'UDP' as const },
  { port: 53, protocol: 'TCP' as const },
];

/**
 * NetworkPolicies derived from the component graph: the namespace denies everything, and each
 * recorded link (the same call that put an address into a rendered config) opens exactly that
 * path, as egress on the client and ingress on the server. Traffic that crosses the namespace
 * boundary is listed explicitly, with its reason.
 */
export class StackNetworkPolicies extends Construct {
  constructor(scope: Construct, id: string, props: StackNetworkPoliciesProps) {
    super(scope, id);
    const links = Topology.of(this).links;
    const labels = { 'app.kubernetes.io/part-of': PART_OF, 'app.kubernetes.io/component': 'network-policy' };

    new k8s.KubeNetworkPolicy(this, 'DefaultDeny', {
      metadata: { name: 'default-deny', labels },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    new k8s.KubeNetworkPolicy(this, 'Dns', {
      metadata: { name: 'allow-dns', labels },
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
                podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
              },
            ],
            ports: DNS_PORTS.map((p) => ({ port: k8s.IntOrString.fromNumber(p.port), protocol: p.protocol })),
          },
        ],
      },
    });

    // NetworkPolicies do not select pods on the node's network: a policy for them would only mislead.
    const peers = [...props.components, ...(props.otherPeers ?? [])].filter((p) => p.hostNetwork !== true);
    for (const peer of peers) {
      const ingress = groupBy(
        links.filter((l) => l.to.name === peer.name),
        (l) => l.from,
      );
      const egress = groupBy(
        links.filter((l) => l.from.name === peer.name),
        (l) => l.to,
      );
      const externalIn = props.external.filter((e) => e.peer.name === peer.name && e.direction === 'ingress');
      const externalOut = props.external.filter((e) => e.peer.name === peer.name && e.direction === 'egress');
      if (ingress.length + egress.length + externalIn.length + externalOut.length === 0) continue;
      const policy = new k8s.KubeNetworkPolicy(this, `Allow-${peer.name}`, {
        metadata: {
          name: `${peer.name}`,
          labels,
          annotations: {
            'agent-o11y.dev/why':
              [...externalIn.map((e) => `ingress: ${e.why}`), ...externalOut.map((e) => `egress: ${e.why}`)].join(
                '; ',
              ) || 'links between stack components',
          },
        },
        spec: {
          podSelector: { matchLabels: peer.selector },
          policyTypes: [
            ...(ingress.length + externalIn.length ? ['Ingress'] : []),
            ...(egress.length + externalOut.length ? ['Egress'] : []),
          ],
          ingress: [
            ...ingress.map(([from, ls]) => ({ from: [selectPeer(from, props.namespace)], ports: linkPorts(ls) })),
            ...externalIn.map((e) => externalRule(e, 'from')),
          ],
          egress: [
            ...egress.map(([to, ls]) => ({ to: [selectPeer(to, props.namespace)], ports: linkPorts(ls) })),
            ...externalOut.map((e) => externalRule(e, 'to')),
          ],
        },
      });
      // Empty lists would mean "deny", but an absent key reads better in review.
      if (ingress.length + externalIn.length === 0) policy.addJsonPatch(JsonPatch.remove('/spec/ingress'));
      if (egress.length + externalOut.length === 0) policy.addJsonPatch(JsonPatch.remove('/spec/egress'));
    }
  }
}

/**
 * Selects a peer's pods; a peer in another namespace (the collector agent) by that namespace too; a
 * peer on the node's network by address, which is a node's (any, at the link's ports only); a peer
 * outside the stack where it says it is.
 */
function selectPeer(peer: Peer, namespace: string): k8s.NetworkPolicyPeer {
  if (peer.hostNetwork) return { ipBlock: { cidr: '0.0.0.0/0' } };
  if (peer.outside?.ipBlock) return { ipBlock: { cidr: peer.outside.ipBlock } };
  if (peer.outside?.namespaces) {
    const ns = peer.outside.namespaces;
    return {
      namespaceSelector: ns.allNamespaces ? {} : { matchLabels: { ...ns.matchLabels } },
      ...(peer.outside.pods ? { podSelector: { matchLabels: { ...peer.outside.pods } } } : {}),
    };
  }
  return {
    ...(peer.namespace && peer.namespace !== namespace
      ? { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': peer.namespace } } }
      : {}),
    podSelector: { matchLabels: peer.selector },
  };
}

function groupBy(links: readonly Link[], key: (l: Link) => Peer): [Peer, Link[]][] {
  const groups = new Map<string, [Peer, Link[]]>();
  for (const link of links) {
    const peer = key(link);
    if (!groups.has(peer.name)) groups.set(peer.name, [peer, []]);
    groups.get(peer.name)![1].push(link);
  }
  return [...groups.values()].sort((a, b) => byCodePoint(a[0].name, b[0].name));
}

function linkPorts(links: readonly Link[]): k8s.NetworkPolicyPort[] {
  const ports = new Map<string, { number: number; protocol: 'TCP' | 'UDP' }>();
  for (const { port } of links) {
    ports.set(`${port.port}/TCP`, { number: port.port, protocol: 'TCP' });
    if (port.udp) ports.set(`${port.port}/UDP`, { number: port.port, protocol: 'UDP' });
  }
  return [...ports.values()]
    .sort((a, b) => a.number - b.number || byCodePoint(a.protocol, b.protocol))
    .map(({ number, protocol }) => ({ port: k8s.IntOrString.fromNumber(number), protocol }));
}

function externalRule(
  e: ExternalAllow,
  side: 'from' | 'to',
): k8s.NetworkPolicyIngressRule & k8s.NetworkPolicyEgressRule {
  const peer: k8s.NetworkPolicyPeer = e.ipBlock
    ? { ipBlock: { cidr: e.ipBlock } }
    : {
        namespaceSelector:
          !e.namespaces || ('allNamespaces' in e.namespaces && e.namespaces.allNamespaces)
            ? {}
            : 'matchExpressions' in e.namespaces
              ? {
                  matchExpressions: e.namespaces.matchExpressions.map((m) => ({
                    key: m.key,
                    operator: m.operator,
                    values: [...m.values],
                  })),
                }
              : { matchLabels: e.namespaces.matchLabels },
      };
  return {
    [side]: [peer],
    ...(e.ports.length
      ? { ports: e.ports.map((p) => ({ port: k8s.IntOrString.fromNumber(p.port), protocol: p.protocol ?? 'TCP' })) }
      : {}),
  };
}
