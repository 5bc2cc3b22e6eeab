/**
 * The network truth: every connection the rendered configs open, found in the configs themselves and
 * resolved through the rendered Services to the pods and container ports they reach, and whether the
 * rendered NetworkPolicies allow it, with Kubernetes' semantics. Nothing here reads the stack's link
 * model (src/lib/component.ts Topology): a link the model never recorded is found all the same.
 */
import * as yaml from 'js-yaml';
import { KubeObject } from '../helpers';

type Labels = Record<string, string>;

interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: string;
}

/** The pods of one workload. */
export interface Pods {
  /** `<kind>/<name>` of the workload. */
  readonly workload: string;
  readonly namespace: string;
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly ports: readonly ContainerPort[];
  /**
   * The pods use the node's network: NetworkPolicies do not select them, neither as the pods a policy
   * applies to nor by a pod or namespace selector; their address is a node's, which only an ipBlock
   * containing every address (0.0.0.0/0, since node addresses are not known here) is sure to hold.
   */
  readonly hostNetwork: boolean;
  /** The configs the pods read, each with where it comes from: mounted ConfigMaps, args, env. */
  readonly configs: ReadonlyArray<{ source: string; text: string }>;
  /** The pods' environment variables that hold their node's address (`status.hostIP`). */
  readonly hostIpVars: readonly string[];
  /**
   * Pods the stack does not render or police (an existing Prometheus in its release's namespace),
   * given by the test from what their own software labels them with. @default false
   */
  readonly external?: boolean;
}

/**
 * Every node's kubelet, as pods on the node's network serving 10250: what Prometheus' node-role jobs
 * and a config dialling its node's address (`status.hostIP`) reach. No NetworkPolicy selects it.
 */
export const KUBELET = 'Node/kubelet';
const KUBELET_PODS: Pods = {
  workload: KUBELET,
  namespace: '',
  labels: {},
  annotations: {},
  ports: [{ name: 'kubelet', containerPort: 10250 }],
  hostNetwork: true,
  configs: [],
  hostIpVars: [],
};

/** One connection a config opens: from a workload's pods to a workload's pods, at a container port. */
export interface Connection {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  /** Where the address was found. */
  readonly source: string;
}

export const key = (c: { from: string; to: string; port: number }) => `${c.from} > ${c.to}:${c.port}`;

/**
 * Keys whose host names are not connections: the name a client expects on the server's certificate,
 * and the name a node advertises for itself.
 */
const NOT_CONNECTIONS = /^(server_name_override|server_name|serverName|network\.publish_host|tls_server_name)$/;

const HOST =
  /(?:(https?|grpcs?):\/\/)?((?:[a-z0-9-]+\.)*?)([a-z0-9-]+)\.([a-z0-9-]+)\.svc(?:\.cluster\.local)?(?::(\d+))?/g;

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443, grpc: 80, grpcs: 443 };

function podTemplate(o: KubeObject): { metadata: { labels?: Labels; annotations?: Labels }; spec: any } | undefined {
  const spec = (o as any).spec;
  if (o.kind === 'CronJob') return spec.jobTemplate.spec.template;
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(o.kind)) return spec.template;
  return undefined;
}

export function pods(objects: KubeObject[], defaultNamespace: string, external: readonly Pods[] = []): Pods[] {
  const configMaps = new Map(
    objects
      .filter((o) => o.kind === 'ConfigMap')
      .map((o) => [`${o.metadata.namespace ?? defaultNamespace}/${o.metadata.name}`, (o as any).data ?? {}]),
  );
  const out: Pods[] = [];
  for (const o of objects) {
    const template = podTemplate(o);
    if (!template) continue;
    const namespace = o.metadata.namespace ?? defaultNamespace;
    const containers = [...(template.spec.initContainers ?? []), ...template.spec.containers] as any[];
    const configs: Array<{ source: string; text: string }> = [];
    for (const volume of template.spec.volumes ?? []) {
      const sources = [volume.configMap, ...(volume.projected?.sources ?? []).map((s: any) => s.configMap)].filter(
        Boolean,
      );
      for (const cm of sources) {
        for (const [file, text] of Object.entries(configMaps.get(`${namespace}/${cm.name}`) ?? {}))
          configs.push({ source: `ConfigMap ${cm.name} ${file}`, text: String(text) });
      }
    }
    for (const c of containers) {
      configs.push({ source: `${c.name} args`, text: [...(c.command ?? []), ...(c.args ?? [])].join('\n') });
      for (const e of c.env ?? [])
        if (e.value !== undefined) configs.push({ source: `${c.name} env ${e.name}`, text: String(e.value) });
    }
    out.push({
      workload: `${o.kind}/${o.metadata.name}`,
      namespace,
      labels: template.metadata.labels ?? {},
      annotations: template.metadata.annotations ?? {},
      ports: template.spec.containers.flatMap((c: any) => c.ports ?? []),
      hostNetwork: template.spec.hostNetwork === true,
      configs,
      hostIpVars: containers.flatMap((c) =>
        (c.env ?? []).filter((e: any) => e.valueFrom?.fieldRef?.fieldPath === 'status.hostIP').map((e: any) => e.name),
      ),
    });
  }
  out.push(KUBELET_PODS, ...external);
  return out;
}

/**
 * The Prometheus pods of a kube-prometheus-stack release, labelled as the Prometheus Operator labels the
 * pods of a Prometheus it runs (named `<release>-prometheus` by the chart), serving its web port.
 */
export function kubePrometheusStackPrometheus(release: string, namespace: string): Pods {
  const name = `${release}-prometheus`;
  return {
    workload: `StatefulSet/prometheus-${name}`,
    namespace,
    labels: {
      'app.kubernetes.io/name': 'prometheus',
      'app.kubernetes.io/instance': name,
      'app.kubernetes.io/managed-by': 'prometheus-operator',
      'operator.prometheus.io/name': name,
      'operator.prometheus.io/shard': '0',
      prometheus: name,
    },
    annotations: {},
    ports: [{ name: 'http-web', containerPort: 9090 }],
    hostNetwork: false,
    configs: [],
    hostIpVars: [],
    external: true,
  };
}

/**
 * The objects ECK (v3, its elasticsearch controller) makes of each rendered `Elasticsearch`, as far as
 * the network goes: per nodeSet a StatefulSet `<name>-es-<nodeSet>` and its headless Service, whose pods
 * carry the nodeSet's podTemplate labels and ECK's own (cluster-name, type) and serve `https` 9200 and
 * `transport` 9300; the Services `<name>-es-http` (9200) and `<name>-es-transport` (headless, 9300)
 * selecting every node. Nodes find each other at the transport addresses (ECK's seed hosts file lists
 * the master nodes'): the container's `ECK seed hosts` entry says so, as a config would.
 */
export function eckObjects(objects: readonly KubeObject[], defaultNamespace: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const es of objects.filter(
    (o) => o.apiVersion === 'elasticsearch.k8s.elastic.co/v1' && o.kind === 'Elasticsearch',
  ) as any[]) {
    const name: string = es.metadata.name;
    const namespace: string = es.metadata.namespace ?? defaultNamespace;
    const cluster = {
      'elasticsearch.k8s.elastic.co/cluster-name': name,
      'common.k8s.elastic.co/type': 'elasticsearch',
    };
    const service = (serviceName: string, port: { name: string; port: number }, headless: boolean): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: serviceName, namespace },
      spec: { ...(headless ? { clusterIP: 'None' } : {}), selector: cluster, ports: [{ ...port, protocol: 'TCP' }] },
    });
    out.push(service(`${name}-es-http`, { name: 'https', port: 9200 }, false));
    out.push(service(`${name}-es-transport`, { name: 'tls-transport', port: 9300 }, true));
    for (const set of es.spec.nodeSets) {
      const sset = `${name}-es-${set.name}`;
      const labels = {
        ...(set.podTemplate?.metadata?.labels ?? {}),
        ...cluster,
        'elasticsearch.k8s.elastic.co/statefulset-name': sset,
      };
      out.push({
        ...service(sset, { name: 'https', port: 9200 }, true),
        spec: {
          clusterIP: 'None',
          selector: { ...cluster, 'elasticsearch.k8s.elastic.co/statefulset-name': sset },
          ports: [],
        },
      });
      out.push({
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: sset, namespace },
        spec: {
          serviceName: sset,
          template: {
            metadata: { labels },
            spec: {
              containers: [
                {
                  name: 'elasticsearch',
                  ports: [
                    { name: 'https', containerPort: 9200, protocol: 'TCP' },
                    { name: 'transport', containerPort: 9300, protocol: 'TCP' },
                  ],
                  env: [{ name: 'ECK seed hosts', value: `${name}-es-transport.${namespace}.svc:9300` }],
                },
              ],
            },
          },
        },
      });
    }
  }
  return out;
}

interface Selector {
  matchLabels?: Labels;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** Kubernetes label selector semantics; `{}` selects everything. */
export function selects(selector: Selector | undefined, labels: Labels): boolean {
  if (!selector) return true;
  return (
    Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v) &&
    (selector.matchExpressions ?? []).every((e) => {
      const value = labels[e.key];
      switch (e.operator) {
        case 'In':
          return value !== undefined && (e.values ?? []).includes(value);
        case 'NotIn':
          return value === undefined || !(e.values ?? []).includes(value);
        case 'Exists':
          return labels[e.key] !== undefined;
        case 'DoesNotExist':
          return labels[e.key] === undefined;
        default:
          throw new Error(`unknown selector operator ${e.operator}`);
      }
    })
  );
}

/** The addresses in one config: host names of Services with the port they are dialled at. */
function addresses(
  text: string,
  source: string,
): Array<{ host: string; service: string; namespace: string; port: number; source: string }> {
  const found: Array<{ host: string; service: string; namespace: string; port: number; source: string }> = [];
  const scan = (s: string, siblingPort: number | undefined, at: string) => {
    for (const m of s.matchAll(HOST)) {
      const [host, scheme, , service, namespace, port] = m;
      const number = port ? Number(port) : (siblingPort ?? (scheme ? DEFAULT_PORTS[scheme] : undefined));
      if (number === undefined)
        throw new Error(`${at}: the address ${host} has no port, a sibling 'port' or a scheme to tell which`);
      // The pattern's host, service and namespace groups take part in every match.
      found.push({ host: host, service: service!, namespace: namespace!, port: number, source: at });
    }
  };
  let doc: unknown;
  try {
    doc = yaml.load(text);
  } catch {
    doc = undefined;
  }
  if (doc === null || typeof doc !== 'object') {
    scan(text, undefined, source);
    return found;
  }
  const walk = (node: unknown, path: string) => {
    if (Array.isArray(node)) node.forEach((v, i) => walk(v, `${path}[${i}]`));
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      const port = record.port;
      const sibling =
        (typeof port === 'number' || typeof port === 'string') && /^\d+$/.test(String(port)) ? Number(port) : undefined;
      for (const [k, v] of Object.entries(record)) {
        if (NOT_CONNECTIONS.test(k)) continue;
        if (typeof v === 'string') scan(v, sibling, `${path}.${k}`);
        else walk(v, `${path}.${k}`);
      }
    } else if (typeof node === 'string') scan(node, undefined, path);
  };
  walk(doc, source);
  return found;
}

/** The container port a Service port reaches on a pod, or undefined when the pod has no such port. */
function targetPort(servicePort: any, pod: Pods): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === 'number' || /^\d+$/.test(String(target))) return Number(target);
  return pod.ports.find((p) => p.name === target)?.containerPort;
}

/** Every connection the configs open to the stack's own pods, resolved through the rendered Services. */
export function connections(
  objects: KubeObject[],
  defaultNamespace: string,
  external: readonly Pods[] = [],
): Connection[] {
  const all = pods(objects, defaultNamespace, external);
  const services = objects.filter((o) => o.kind === 'Service');
  const out: Connection[] = [];
  for (const client of all) {
    for (const config of client.configs) {
      for (const a of addresses(config.text, `${client.workload}: ${config.source}`)) {
        const service = services.find(
          (s) => s.metadata.name === a.service && (s.metadata.namespace ?? defaultNamespace) === a.namespace,
        );
        if (!service) throw new Error(`${a.source}: ${a.host} names no rendered Service`);
        const spec = (service as any).spec;
        const servicePort = (spec.ports ?? []).find((p: any) => p.port === a.port && (p.protocol ?? 'TCP') === 'TCP');
        if (!servicePort)
          throw new Error(`${a.source}: ${a.host}:${a.port}: the Service ${a.service} has no TCP port ${a.port}`);
        const servers = all.filter(
          (p) => p.namespace === a.namespace && spec.selector && selects({ matchLabels: spec.selector }, p.labels),
        );
        if (servers.length === 0)
          throw new Error(`${a.source}: ${a.host}:${a.port}: the Service ${a.service} selects no rendered pods`);
        for (const server of servers) {
          const port = targetPort(servicePort, server);
          if (port === undefined)
            throw new Error(
              `${a.source}: ${a.host}:${a.port}: ${server.workload} has no container port ${servicePort.targetPort}`,
            );
          out.push({ from: client.workload, to: server.workload, port, source: a.source });
        }
      }
      // Its own node's address, read from the pod's environment: that node's kubelet.
      for (const name of client.hostIpVars) {
        for (const m of config.text.matchAll(new RegExp(`(?:\\$\\{env:${name}\\}|\\$\\(${name}\\)):(\\d+)`, 'g'))) {
          if (Number(m[1]) !== 10250)
            throw new Error(`${client.workload}: ${config.source}: its node's port ${m[1]} is not the kubelet's`);
          out.push({ from: client.workload, to: KUBELET, port: 10250, source: `${client.workload}: ${config.source}` });
        }
      }
    }
  }
  return [...out, ...scrapes(objects, all, defaultNamespace), ...monitorScrapes(objects, all, defaultNamespace)];
}

/**
 * What the Prometheus Operator makes an external Prometheus scrape among the rendered pods: each
 * PodMonitor's endpoints (a container port by name or number) on the pods its selector picks in its
 * namespaces, and each ServiceMonitor's (a Service port) on the pods behind the rendered Services it
 * picks. The scraper is every external Prometheus pod.
 */
function monitorScrapes(objects: KubeObject[], all: Pods[], defaultNamespace: string): Connection[] {
  const scrapers = all.filter((p) => p.external && p.labels['app.kubernetes.io/name'] === 'prometheus');
  const out: Connection[] = [];
  for (const monitor of objects.filter((o) => o.kind === 'PodMonitor' || o.kind === 'ServiceMonitor') as any[]) {
    const own = monitor.metadata.namespace ?? defaultNamespace;
    const ns = monitor.spec.namespaceSelector ?? {};
    const inNamespace = (n: string) => ns.any === true || (ns.matchNames ?? [own]).includes(n);
    const source = `${monitor.kind} ${own}/${monitor.metadata.name}`;
    const found: Array<{ to: string; port: number }> = [];
    if (monitor.kind === 'PodMonitor') {
      for (const pod of all.filter((p) => !p.external && p !== KUBELET_PODS && inNamespace(p.namespace))) {
        if (!selects(monitor.spec.selector, pod.labels)) continue;
        for (const endpoint of monitor.spec.podMetricsEndpoints ?? []) {
          for (const port of pod.ports.filter(
            (p) =>
              (p.protocol ?? 'TCP') === 'TCP' &&
              (endpoint.port !== undefined ? p.name === endpoint.port : p.containerPort === endpoint.portNumber),
          ))
            found.push({ to: pod.workload, port: port.containerPort });
        }
      }
    } else {
      for (const service of objects.filter(
        (o) => o.kind === 'Service' && inNamespace(o.metadata.namespace ?? defaultNamespace),
      ) as any[]) {
        if (!selects(monitor.spec.selector, service.metadata.labels ?? {})) continue;
        const namespace = service.metadata.namespace ?? defaultNamespace;
        for (const endpoint of monitor.spec.endpoints ?? []) {
          const servicePort = (service.spec.ports ?? []).find((p: any) => p.name === endpoint.port);
          if (!servicePort) continue;
          for (const pod of all.filter(
            (p) =>
              p.namespace === namespace &&
              service.spec.selector &&
              selects({ matchLabels: service.spec.selector }, p.labels),
          )) {
            const port = targetPort(servicePort, pod);
            if (port !== undefined) found.push({ to: pod.workload, port });
          }
        }
      }
    }
    for (const scraper of scrapers)
      for (const f of found) out.push({ from: scraper.workload, to: f.to, port: f.port, source });
  }
  return out;
}

/** One Prometheus relabel step, as Prometheus applies it (the regex anchored at both ends). */
export function relabel(labels: Labels, rule: any): Labels | undefined {
  const action = rule.action ?? 'replace';
  const regex = new RegExp(`^(?:${rule.regex ?? '(.*)'})$`);
  const value = (rule.source_labels ?? []).map((l: string) => labels[l] ?? '').join(rule.separator ?? ';');
  switch (action) {
    case 'keep':
      return regex.test(value) ? labels : undefined;
    case 'drop':
      return regex.test(value) ? undefined : labels;
    case 'replace': {
      const m = regex.exec(value);
      if (!m) return labels;
      const target = String(rule.target_label).replace(/\$\{?(\d+)\}?/g, (_, i) => m[Number(i)] ?? '');
      const replaced = String(rule.replacement ?? '$1').replace(/\$\{?(\d+)\}?/g, (_, i) => m[Number(i)] ?? '');
      const next = { ...labels };
      if (replaced === '') delete next[target];
      else next[target] = replaced;
      return next;
    }
    case 'labelmap': {
      const next = { ...labels };
      for (const [k, v] of Object.entries(labels)) {
        const m = regex.exec(k);
        if (m) next[String(rule.replacement ?? '$1').replace(/\$\{?(\d+)\}?/g, (_, i) => m[Number(i)] ?? '')] = v;
      }
      return next;
    }
    case 'labeldrop':
      return Object.fromEntries(Object.entries(labels).filter(([k]) => !regex.test(k)));
    case 'labelkeep':
      return Object.fromEntries(Object.entries(labels).filter(([k]) => regex.test(k)));
    default:
      throw new Error(`relabel action ${action} is not simulated here`);
  }
}

const metaName = (s: string) => s.replace(/[^a-zA-Z0-9_]/g, '_');

/**
 * What Prometheus' pod-role discovery scrapes among the rendered pods: each container port of each pod
 * in the job's namespaces, offered with the labels discovery gives it, through the job's relabelling.
 */
function scrapes(objects: KubeObject[], all: Pods[], defaultNamespace: string): Connection[] {
  const out: Connection[] = [];
  for (const prometheus of all.filter((p) => p.configs.some((c) => c.source.endsWith('prometheus.yml')))) {
    const config = yaml.load(prometheus.configs.find((c) => c.source.endsWith('prometheus.yml'))!.text) as any;
    for (const job of config.scrape_configs ?? []) {
      for (const sd of job.kubernetes_sd_configs ?? []) {
        if (sd.role === 'node') {
          // Each node, at the address and kubelet port discovery gives it, through the job's relabelling.
          let labels: Labels | undefined = {
            __address__: '10.0.0.2:10250',
            __scheme__: job.scheme ?? 'http',
            __metrics_path__: job.metrics_path ?? '/metrics',
            __meta_kubernetes_node_name: 'node-0',
            __meta_kubernetes_node_address_InternalIP: '10.0.0.2',
          };
          for (const rule of job.relabel_configs ?? []) {
            labels = relabel(labels, rule);
            if (!labels) break;
          }
          if (labels)
            out.push({
              from: prometheus.workload,
              to: KUBELET,
              port: Number(/:(\d+)$/.exec(labels.__address__ ?? '')?.[1]),
              source: `${prometheus.workload}: scrape job ${job.job_name}`,
            });
          continue;
        }
        if (sd.role !== 'pod')
          throw new Error(`scrape job ${job.job_name}: discovery role ${sd.role} is not simulated here`);
        const namespaces: string[] | undefined = sd.namespaces?.names;
        for (const pod of all.filter((p) => p !== KUBELET_PODS && (!namespaces || namespaces.includes(p.namespace)))) {
          for (const port of pod.ports.filter((p) => (p.protocol ?? 'TCP') === 'TCP')) {
            let labels: Labels | undefined = {
              __address__: `10.0.0.1:${port.containerPort}`,
              __scheme__: job.scheme ?? 'http',
              __metrics_path__: job.metrics_path ?? '/metrics',
              __meta_kubernetes_namespace: pod.namespace,
              __meta_kubernetes_pod_name: `${pod.workload.split('/')[1]}-0`,
              __meta_kubernetes_pod_ip: '10.0.0.1',
              __meta_kubernetes_pod_ready: 'true',
              __meta_kubernetes_pod_phase: 'Running',
              __meta_kubernetes_pod_container_port_name: port.name ?? '',
              __meta_kubernetes_pod_container_port_number: String(port.containerPort),
              __meta_kubernetes_pod_container_port_protocol: 'TCP',
              ...Object.fromEntries(
                Object.entries(pod.labels).flatMap(([k, v]) => [
                  [`__meta_kubernetes_pod_label_${metaName(k)}`, v],
                  [`__meta_kubernetes_pod_labelpresent_${metaName(k)}`, 'true'],
                ]),
              ),
              ...Object.fromEntries(
                Object.entries(pod.annotations).flatMap(([k, v]) => [
                  [`__meta_kubernetes_pod_annotation_${metaName(k)}`, v],
                  [`__meta_kubernetes_pod_annotationpresent_${metaName(k)}`, 'true'],
                ]),
              ),
            };
            for (const rule of job.relabel_configs ?? []) {
              labels = relabel(labels, rule);
              if (!labels) break;
            }
            if (!labels) continue;
            const scraped = Number(/:(\d+)$/.exec(labels.__address__ ?? '')?.[1]);
            out.push({
              from: prometheus.workload,
              to: pod.workload,
              port: scraped,
              source: `${prometheus.workload}: scrape job ${job.job_name}`,
            });
          }
        }
      }
    }
  }
  void objects;
  void defaultNamespace;
  return out;
}

/** An address outside the rendered pods: an IPv4 address, or a pod of a namespace the stack does not render. */
export type OutsideAddress = { readonly ip: string } | { readonly namespaceLabels: Labels; readonly podLabels: Labels };

/** Whether the IPv4 block `cidr` holds `ip`. */
export function cidrContains(cidr: string, ip: string): boolean {
  const [base, bits] = cidr.split('/');
  const n = (a: string) => a.split('.').reduce((v, octet) => v * 256 + Number(octet), 0);
  const size = 2 ** (32 - Number(bits));
  return Math.floor(n(ip) / size) === Math.floor(n(base!) / size);
}

interface PolicyPort {
  port?: number | string;
  protocol?: string;
  endPort?: number;
}
interface PolicyPeer {
  podSelector?: Selector;
  namespaceSelector?: Selector;
  ipBlock?: { cidr: string; except?: string[] };
}
interface Rule {
  from?: PolicyPeer[];
  to?: PolicyPeer[];
  ports?: PolicyPort[];
}
interface Policy {
  name: string;
  namespace: string;
  podSelector: Selector;
  policyTypes: string[];
  ingress?: Rule[];
  egress?: Rule[];
}

/** NetworkPolicy semantics over the rendered pods and namespaces. */
export class NetworkTruth {
  readonly pods: Pods[];
  private readonly policies: Policy[];
  private readonly namespaceLabels: Map<string, Labels>;

  constructor(objects: KubeObject[], defaultNamespace: string, external: readonly Pods[] = []) {
    this.pods = pods(objects, defaultNamespace, external);
    this.policies = objects
      .filter((o) => o.kind === 'NetworkPolicy')
      .map((o) => ({ name: o.metadata.name, namespace: o.metadata.namespace ?? defaultNamespace, ...(o as any).spec }));
    // The API server labels every namespace with its name.
    this.namespaceLabels = new Map(
      objects
        .filter((o) => o.kind === 'Namespace')
        .map((o) => [
          o.metadata.name,
          { ...(o.metadata.labels ?? {}), 'kubernetes.io/metadata.name': o.metadata.name },
        ]),
    );
  }

  private pod(workload: string): Pods {
    const found = this.pods.find((p) => p.workload === workload);
    if (!found) throw new Error(`no workload ${workload}`);
    return found;
  }

  /**
   * Whether a policy peer selects `pod`, seen from a policy in `namespace`. An ipBlock selects only a
   * pod on the node's network, and only when it holds every address; selectors never select those.
   */
  private peerSelects(peer: PolicyPeer, pod: Pods, namespace: string): boolean {
    if (peer.ipBlock) return pod.hostNetwork && peer.ipBlock.cidr === '0.0.0.0/0' && !peer.ipBlock.except?.length;
    if (pod.hostNetwork) return false;
    const inNamespace = peer.namespaceSelector
      ? selects(
          peer.namespaceSelector,
          this.namespaceLabels.get(pod.namespace) ?? { 'kubernetes.io/metadata.name': pod.namespace },
        )
      : pod.namespace === namespace;
    return inNamespace && selects(peer.podSelector ?? {}, pod.labels);
  }

  /** Whether a rule's ports admit `port` on `server` (named ports are the server pod's). */
  private static portMatches(ports: PolicyPort[] | undefined, port: number, server: Pods): boolean {
    if (!ports || ports.length === 0) return true;
    return ports.some((p) => {
      if ((p.protocol ?? 'TCP') !== 'TCP') return false;
      if (p.port === undefined) return true;
      const number = typeof p.port === 'number' ? p.port : server.ports.find((c) => c.name === p.port)?.containerPort;
      return number !== undefined && (p.endPort ? port >= number && port <= p.endPort : port === number);
    });
  }

  private selecting(pod: Pods, type: 'Ingress' | 'Egress'): Policy[] {
    if (pod.hostNetwork) return [];
    return this.policies.filter(
      (p) =>
        p.namespace === pod.namespace &&
        (p.policyTypes ?? ['Ingress']).includes(type) &&
        selects(p.podSelector, pod.labels),
    );
  }

  /** Why a connection is denied, or undefined when both ends allow it. */
  denied(c: { from: string; to: string; port: number }): string | undefined {
    const client = this.pod(c.from);
    const server = this.pod(c.to);
    const out = this.selecting(client, 'Egress');
    const inn = this.selecting(server, 'Ingress');
    const egress =
      out.length === 0 ||
      out.some((p) =>
        (p.egress ?? []).some(
          (r) =>
            (r.to === undefined || r.to.some((peer) => this.peerSelects(peer, server, p.namespace))) &&
            NetworkTruth.portMatches(r.ports, c.port, server),
        ),
      );
    const ingress =
      inn.length === 0 ||
      inn.some((p) =>
        (p.ingress ?? []).some(
          (r) =>
            (r.from === undefined || r.from.some((peer) => this.peerSelects(peer, client, p.namespace))) &&
            NetworkTruth.portMatches(r.ports, c.port, server),
        ),
      );
    if (egress && ingress) return undefined;
    return [
      egress ? '' : `egress denied by ${out.map((p) => p.name).join(', ')}`,
      ingress ? '' : `ingress denied by ${inn.map((p) => p.name).join(', ')}`,
    ]
      .filter(Boolean)
      .join('; ');
  }

  /**
   * Why `from`'s egress to an address outside the rendered pods (an existing Elasticsearch) at `port`
   * is denied, or undefined when its policies allow it. Only the client's side: the server is not ours.
   */
  deniedOutside(from: string, to: OutsideAddress, port: number): string | undefined {
    const client = this.pod(from);
    const out = this.selecting(client, 'Egress');
    const none: Pods = { ...KUBELET_PODS, workload: 'outside', ports: [] };
    const reaches = (peer: PolicyPeer): boolean => {
      if (peer.ipBlock)
        return (
          'ip' in to &&
          cidrContains(peer.ipBlock.cidr, to.ip) &&
          !(peer.ipBlock.except ?? []).some((e) => cidrContains(e, to.ip))
        );
      if (!('namespaceLabels' in to) || !peer.namespaceSelector) return false;
      return selects(peer.namespaceSelector, to.namespaceLabels) && selects(peer.podSelector ?? {}, to.podLabels);
    };
    const allowed =
      out.length === 0 ||
      out.some((p) =>
        (p.egress ?? []).some(
          (r) => (r.to === undefined || r.to.some(reaches)) && NetworkTruth.portMatches(r.ports, port, none),
        ),
      );
    return allowed ? undefined : `egress denied by ${out.map((p) => p.name).join(', ')}`;
  }

  /**
   * Every connection between the rendered pods that some rule names: a peer selecting the other pod,
   * and each port the rule lists (every TCP port the server pod declares when it lists none).
   */
  allowedByRules(): Array<{ from: string; to: string; port: number; policy: string }> {
    const out: Array<{ from: string; to: string; port: number; policy: string }> = [];
    for (const policy of this.policies) {
      for (const self of this.pods.filter(
        (p) => !p.hostNetwork && p.namespace === policy.namespace && selects(policy.podSelector, p.labels),
      )) {
        for (const [rules, side] of [
          [policy.ingress, 'from'],
          [policy.egress, 'to'],
        ] as const) {
          for (const rule of rules ?? []) {
            const peers = rule[side];
            for (const other of this.pods.filter(
              (p) => peers === undefined || peers.some((peer) => this.peerSelects(peer, p, policy.namespace)),
            )) {
              const server = side === 'from' ? self : other;
              // A node's address at a port its host-network pod does not serve is the node's, not the pod's.
              const listed = other.hostNetwork
                ? []
                : (rule.ports ?? [])
                    .filter((p) => (p.protocol ?? 'TCP') === 'TCP' && typeof p.port === 'number')
                    .map((p) => p.port as number);
              const declared = server.ports
                .filter(
                  (p) =>
                    (p.protocol ?? 'TCP') === 'TCP' && NetworkTruth.portMatches(rule.ports, p.containerPort, server),
                )
                .map((p) => p.containerPort);
              for (const port of new Set([...listed, ...declared])) {
                out.push(
                  side === 'from'
                    ? { from: other.workload, to: self.workload, port, policy: `${policy.name} ingress` }
                    : { from: self.workload, to: other.workload, port, policy: `${policy.name} egress` },
                );
              }
            }
          }
        }
      }
    }
    return out;
  }

  /** Namespaces that hold rendered pods but no default-deny policy for both directions. */
  undefended(): string[] {
    const namespaces = [...new Set(this.pods.filter((p) => p !== KUBELET_PODS && !p.external).map((p) => p.namespace))];
    return namespaces.filter(
      (ns) =>
        !this.policies.some(
          (p) =>
            p.namespace === ns &&
            Object.keys(p.podSelector ?? {}).every((k) => Object.keys((p.podSelector as any)[k] ?? {}).length === 0) &&
            p.policyTypes.includes('Ingress') &&
            p.policyTypes.includes('Egress') &&
            (p.ingress ?? []).length === 0 &&
            (p.egress ?? []).length === 0,
        ),
    );
  }
}
