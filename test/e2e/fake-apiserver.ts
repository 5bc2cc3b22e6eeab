/**
 * A fake Kubernetes API server on 127.0.0.1 (plain HTTP, no authentication) serving a fixed set of
 * objects: just enough of the API for a client's informers, as kube-state-metrics uses it.
 *
 * What kube-state-metrics 2.15.0 asks of it at startup (seen with the construct's `--resources`:
 * daemonsets, deployments, jobs, nodes, persistentvolumeclaims, pods, statefulsets), and nothing else:
 * - `GET /version`: it exits if this fails ("error while trying to communicate with apiserver");
 * - for each resource, a list at cluster scope, `GET /api/v1/pods?limit=500&resourceVersion=0`, then
 *   a watch from the list's resourceVersion,
 *   `GET /api/v1/pods?allowWatchBookmarks=true&resourceVersion=1&timeout=5m46s&timeoutSeconds=346&watch=true`
 *   (apps and batch kinds under `/apis/<group>/v1/...`);
 * - no discovery (`/api`, `/apis`), no namespaced paths, no writes.
 * Every request sends `Accept: application/vnd.kubernetes.protobuf,application/json` and the JSON
 * answered here is taken. A watch stays open and silent (nothing changes) until the client or `stop`
 * ends it; a test is over long before the client's own watch timeout (5 to 10 minutes). Anything not
 * served is answered 404 and recorded in `unknown`, so a test shows what a client wanted.
 */
import * as http from 'http';
import * as net from 'net';

/** API groups served at a version other than v1. */
const GROUP_VERSIONS: Readonly<Record<string, string>> = { autoscaling: 'v2' };

/** The kind of each resource it can serve (kube-state-metrics' resources), and whether it is namespaced. */
const KINDS: Readonly<Record<string, { kind: string; namespaced: boolean }>> = Object.fromEntries(
  (
    [
      ['certificatesigningrequests', 'CertificateSigningRequest', false],
      ['configmaps', 'ConfigMap', true],
      ['cronjobs', 'CronJob', true],
      ['daemonsets', 'DaemonSet', true],
      ['deployments', 'Deployment', true],
      ['endpoints', 'Endpoints', true],
      ['horizontalpodautoscalers', 'HorizontalPodAutoscaler', true],
      ['ingresses', 'Ingress', true],
      ['jobs', 'Job', true],
      ['leases', 'Lease', true],
      ['limitranges', 'LimitRange', true],
      ['mutatingwebhookconfigurations', 'MutatingWebhookConfiguration', false],
      ['namespaces', 'Namespace', false],
      ['networkpolicies', 'NetworkPolicy', true],
      ['nodes', 'Node', false],
      ['persistentvolumeclaims', 'PersistentVolumeClaim', true],
      ['persistentvolumes', 'PersistentVolume', false],
      ['poddisruptionbudgets', 'PodDisruptionBudget', true],
      ['pods', 'Pod', true],
      ['replicasets', 'ReplicaSet', true],
      ['replicationcontrollers', 'ReplicationController', true],
      ['resourcequotas', 'ResourceQuota', true],
      ['secrets', 'Secret', true],
      ['services', 'Service', true],
      ['statefulsets', 'StatefulSet', true],
      ['storageclasses', 'StorageClass', false],
      ['validatingwebhookconfigurations', 'ValidatingWebhookConfiguration', false],
      ['volumeattachments', 'VolumeAttachment', false],
    ] as const
  ).map(([plural, kind, namespaced]) => [plural, { kind, namespaced }]),
);

/** The Kubernetes version it reports at `/version`. */
const SERVER_VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.1', platform: 'linux/amd64' };

/** The one resourceVersion of every object and list: nothing ever changes. */
const RESOURCE_VERSION = '1';

/** An object as the API returns it (a kubernetes-models interface fits). */
export interface ApiObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
}

interface Served {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly kind: string;
  readonly namespaced: boolean;
  /** The objects, as served, with their namespaces. */
  readonly items: Array<{ namespace?: string; object: object }>;
}

export interface FakeApiServer {
  readonly url: string;
  /** Every request, in order, as `GET /path?query`. */
  readonly requests: readonly string[];
  /** The requests it does not serve (answered 404). */
  readonly unknown: readonly string[];
  /** A kubeconfig (JSON, which kubeconfig loaders read as YAML) whose current context is this server. */
  kubeconfig(): string;
  /** Ends every open watch and stops listening. */
  stop(): Promise<void>;
}

/** `apps/v1` → `apps`; `v1` → `` (the core group). */
function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0]! : '';
}

/** The path prefix of a group's version: `/api/v1` or `/apis/<group>/<version>`. */
function prefix(group: string, version: string): string {
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}

/**
 * Starts the fake, serving `resources` (API group → resource names, as a ClusterRole lists them)
 * with `objects` in them. Every object must belong to a served resource; each gets a fixed uid,
 * resourceVersion and creationTimestamp unless it has them.
 */
export async function startFakeApiServer(
  resources: Readonly<Record<string, readonly string[]>>,
  objects: readonly ApiObject[],
): Promise<FakeApiServer> {
  const served = new Map<string, Served>();
  for (const [group, plurals] of Object.entries(resources)) {
    const version = GROUP_VERSIONS[group] ?? 'v1';
    for (const p of plurals) {
      const known = KINDS[p];
      if (!known) throw new Error(`fake apiserver: unknown resource ${p}`);
      served.set(`${prefix(group, version)}/${p}`, { group, version, plural: p, ...known, items: [] });
    }
  }
  objects.forEach((object, i) => {
    const group = groupOf(object.apiVersion);
    const resource = [...served.values()].find((s) => s.group === group && s.kind === object.kind);
    if (!resource)
      throw new Error(`fake apiserver: ${object.kind} (${object.apiVersion}) is not among the served resources`);
    if (resource.namespaced !== (object.metadata?.namespace !== undefined))
      throw new Error(
        `fake apiserver: ${object.kind} ${object.metadata?.name} must ${resource.namespaced ? '' : 'not '}have a namespace`,
      );
    resource.items.push({
      namespace: object.metadata?.namespace,
      object: {
        ...object,
        metadata: {
          uid: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
          resourceVersion: RESOURCE_VERSION,
          creationTimestamp: '2025-01-01T00:00:00Z',
          ...object.metadata,
        },
      },
    });
  });

  const requests: string[] = [];
  const unknown: string[] = [];
  const watches = new Set<http.ServerResponse>();
  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const notFound = (res: http.ServerResponse, what: string) =>
    json(res, 404, {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      message: `${what} not found`,
      reason: 'NotFound',
      code: 404,
    });

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    if (req.method !== 'GET') {
      unknown.push(`${req.method} ${url.pathname}${url.search}`);
      json(res, 405, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'MethodNotAllowed', code: 405 });
      return;
    }
    if (url.pathname === '/version') {
      json(res, 200, SERVER_VERSION);
      return;
    }
    // A cluster-wide collection, or one namespace's.
    const namespaced = /^(.*)\/namespaces\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    const key = namespaced ? `${namespaced[1]}/${namespaced[3]}` : url.pathname;
    const resource = served.get(key);
    if (!resource || (namespaced && !resource.namespaced)) {
      unknown.push(`GET ${url.pathname}${url.search}`);
      notFound(res, url.pathname);
      return;
    }
    const watch = url.searchParams.get('watch');
    if (watch === 'true' || watch === '1') {
      // Nothing ever changes: the watch stays open and silent until the client or `stop` ends it.
      res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
      res.flushHeaders();
      watches.add(res);
      res.on('close', () => watches.delete(res));
      return;
    }
    const items = resource.items.filter((o) => !namespaced || o.namespace === namespaced[2]).map((o) => o.object);
    json(res, 200, {
      kind: `${resource.kind}List`,
      apiVersion: resource.group === '' ? resource.version : `${resource.group}/${resource.version}`,
      metadata: { resourceVersion: RESOURCE_VERSION },
      items,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;

  return {
    url,
    requests,
    unknown,
    kubeconfig: () =>
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'fake', cluster: { server: url } }],
        users: [{ name: 'fake', user: {} }],
        contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake' } }],
        'current-context': 'fake',
      }),
    stop: async () => {
      for (const res of watches) res.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
