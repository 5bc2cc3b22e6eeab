/**
 * kube-state-metrics as rendered, judged by the real binaries: the judged kube-state-metrics runs with
 * the construct's command line and web config (certificates from a throwaway CA) against a fake API
 * server (./fake-apiserver.ts) holding a fixed cluster: a node under memory pressure, a crash-looping, a
 * ready and a pending pod, a volume claim, a Deployment short of a replica, a StatefulSet, a DaemonSet
 * and a failed Job. Scraped over mTLS, every catalogued metric must arrive with exactly its catalogued
 * labels and type, and the series describing the fixtures must have their values; the real Prometheus,
 * scraping it with the rendered `kube-state-metrics` job (pod discovery turned into one static target,
 * as test/e2e/pipeline.ts does), must store each with exactly the labels its delivery gives.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { IDaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { INode } from 'kubernetes-models/v1/Node';
import type { IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import type { IPod } from 'kubernetes-models/v1/Pod';
import * as yaml from 'js-yaml';
import { KSM_RESOURCES, kubeStateMetricsArgs } from '../../constructs/kube-state-metrics';
import { KUBE_STATE_METRICS, seriesLabelNames, seriesNames } from '../../rules/catalog';
import { resolveConfig } from '../../src/config/loader';
import { configMapData, find, KubeObject, synthStack } from '../helpers';
import { placeTlsFiles, writeTestPki } from '../tls-fixture';
import { requireTool } from '../tools';
import { FakeApiServer, startFakeApiServer } from './fake-apiserver';
import { podTarget } from './pipeline';
import {
  catalogArrivalTests,
  freePort,
  getJson,
  httpsGet,
  parseExposition,
  Processes,
  Sample,
  startLocalPrometheus,
  WAIT_MS,
  waitFor,
} from './support';

const ksmBin = requireTool('kube-state-metrics');
const prometheusBin = requireTool('prometheus');

const NS = 'shop';
const NODE = 'worker-1';
const TIME = '2025-01-01T00:00:00Z';

const node: INode = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: NODE },
  spec: {},
  status: {
    conditions: [
      { type: 'MemoryPressure', status: 'True', reason: 'KubeletHasInsufficientMemory', lastTransitionTime: TIME },
      { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', lastTransitionTime: TIME },
      { type: 'Ready', status: 'True', reason: 'KubeletReady', lastTransitionTime: TIME },
    ],
  },
};

/** A pod of `owner` on the node, with one container `app` in `state`. */
function pod(
  name: string,
  owner: { kind: string; name: string },
  phase: NonNullable<IPod['status']>['phase'],
  ready: boolean,
  container: NonNullable<NonNullable<IPod['status']>['containerStatuses']>[number],
): IPod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: NS,
      ownerReferences: [
        { apiVersion: 'apps/v1', ...owner, uid: `uid-${owner.name}`, controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: { nodeName: NODE, containers: [{ name: container.name, image: container.image }] },
    status: {
      phase,
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: TIME },
        { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: TIME },
      ],
      containerStatuses: [container],
    },
  };
}

const crashing = pod('api-6d5f8-crash', { kind: 'ReplicaSet', name: 'api-6d5f8' }, 'Running', false, {
  name: 'api',
  image: 'shop/api:1.0',
  imageID: '',
  ready: false,
  restartCount: 5,
  state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' } },
  lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: TIME, finishedAt: TIME } },
});
const running = pod('api-6d5f8-ok', { kind: 'ReplicaSet', name: 'api-6d5f8' }, 'Running', true, {
  name: 'api',
  image: 'shop/api:1.0',
  imageID: '',
  ready: true,
  restartCount: 0,
  state: { running: { startedAt: TIME } },
});
const pending = pod('db-0', { kind: 'StatefulSet', name: 'db' }, 'Pending', false, {
  name: 'db',
  image: 'postgres:17',
  imageID: '',
  ready: false,
  restartCount: 0,
  state: { waiting: { reason: 'ContainerCreating' } },
});

const claim: IPersistentVolumeClaim = {
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'data-db-0', namespace: NS },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  status: { phase: 'Bound' },
};

const selector = (app: string) => ({ matchLabels: { app } });
const template = (app: string) => ({
  metadata: { labels: { app } },
  spec: { containers: [{ name: app, image: `shop/${app}:1.0` }] },
});

const deployment: IDeployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: NS, generation: 1 },
  spec: { replicas: 2, selector: selector('api'), template: template('api') },
  status: {
    observedGeneration: 1,
    replicas: 2,
    updatedReplicas: 2,
    readyReplicas: 1,
    availableReplicas: 1,
    unavailableReplicas: 1,
  },
};

const statefulSet: IStatefulSet = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'db', namespace: NS, generation: 1 },
  spec: { replicas: 1, serviceName: 'db', selector: selector('db'), template: template('db') },
  status: { observedGeneration: 1, replicas: 1, readyReplicas: 0, currentReplicas: 1, updatedReplicas: 1 },
};

const daemonSet: IDaemonSet = {
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'log-shipper', namespace: NS, generation: 1 },
  spec: { selector: selector('log-shipper'), template: template('log-shipper') },
  status: {
    observedGeneration: 1,
    currentNumberScheduled: 1,
    desiredNumberScheduled: 1,
    numberMisscheduled: 0,
    numberReady: 1,
    numberAvailable: 1,
    updatedNumberScheduled: 1,
  },
};

const job: IJob = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'migrate', namespace: NS },
  spec: {
    backoffLimit: 1,
    template: { ...template('migrate'), spec: { ...template('migrate').spec, restartPolicy: 'Never' } },
  },
  status: {
    failed: 2,
    startTime: TIME,
    conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', lastTransitionTime: TIME }],
  },
};

const FIXTURES = [node, crashing, running, pending, claim, deployment, statefulSet, daemonSet, job];

describe('kube-state-metrics, with the real kube-state-metrics and a fake API server', () => {
  const config = resolveConfig({ prometheus: { scrapeInterval: '1s' } });
  const { files, parts } = synthStack(config);
  const ksm = parts.kubeStateMetrics!;
  const objects = files['kube-state-metrics'];
  const deployment = find(objects, 'Deployment', ksm.name) as KubeObject & IDeployment;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-o11y-ksm-'));
  const pki = path.join(dir, 'pki');
  const processes = new Processes();
  let fake: FakeApiServer;
  let port = 0;
  let prometheusUrl = '';
  let samples: Sample[] = [];
  let types = new Map<string, string>();
  const prometheusClient = {
    cert: path.join(pki, 'prometheus', 'tls.crt'),
    key: path.join(pki, 'prometheus', 'tls.key'),
  };

  const query = async (promql: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> =>
    (
      (await getJson(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`)) as {
        data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
      }
    ).data.result;

  /** The value of the one sample of `name` whose labels include `labels`. */
  const valueOf = (name: string, labels: Record<string, string>): number => {
    const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
    if (found.length !== 1) throw new Error(`${found.length} samples of ${name} with ${JSON.stringify(labels)}`);
    return found[0]!.value;
  };

  beforeAll(
    async () => {
      const certificate = find(objects, 'Certificate', ksm.tls.secretName) as KubeObject & {
        spec: { dnsNames: string[] };
      };
      writeTestPki(pki, { [ksm.name]: certificate.spec.dnsNames, prometheus: ['prometheus'] });
      const webConfig = path.join(dir, 'web.yml');
      fs.writeFileSync(webConfig, placeTlsFiles(configMapData(objects, ksm.name, 'web.yml'), path.join(pki, ksm.name)));
      const kubeconfig = path.join(dir, 'kubeconfig');
      fake = await startFakeApiServer(KSM_RESOURCES, FIXTURES);
      fs.writeFileSync(kubeconfig, fake.kubeconfig());

      // The construct's command line with local ports; it listens on 127.0.0.1 and reads the fake's kubeconfig.
      port = await freePort();
      const telemetryPort = await freePort();
      const args = kubeStateMetricsArgs(port, webConfig).map((arg) =>
        arg.startsWith('--telemetry-port=') ? `--telemetry-port=${telemetryPort}` : arg,
      );
      processes.start('kube-state-metrics', ksmBin, [...args, '--host=127.0.0.1', `--kubeconfig=${kubeconfig}`]);

      const fail = (e: Error) => {
        throw new Error(
          `${e.message}\nrequests to the fake API server:\n${fake.requests.join('\n')}\nlogs:\n${processes.tail()}`,
        );
      };
      // A reflector lists, fills its store, then watches: a watch on every resource means every object is in.
      await waitFor('a watch on every resource', () =>
        Object.values(KSM_RESOURCES)
          .flat()
          .every((r) => fake.requests.some((q) => q.includes(`/${r}?`) && /[?&]watch=(true|1)\b/.test(q)))
          ? true
          : undefined,
      ).catch(fail);
      const text = await waitFor('kube-state-metrics to serve /metrics', () =>
        httpsGet(port, '/metrics', path.join(pki, 'ca.crt'), prometheusClient),
      ).catch(fail);
      ({ samples, types } = parseExposition(text));

      // Prometheus: the rendered job, its client certificate from the same CA, one static target.
      const rendered = yaml.load(configMapData(files.prometheus, 'prometheus', 'prometheus.yml')) as {
        scrape_configs: Array<Record<string, unknown>>;
      };
      const job = rendered.scrape_configs.find((j) => j.job_name === ksm.name)!;
      delete job.kubernetes_sd_configs;
      job.static_configs = [
        podTarget(
          `127.0.0.1:${port}`,
          {
            name: `${ksm.name}-5d8c7b9f6-x2k4q`,
            namespace: ksm.namespace,
            container: 'kube-state-metrics',
            labels: deployment.spec!.template.metadata!.labels!,
          },
          { name: 'metrics', number: ksm.port('metrics').port },
        ),
      ];
      prometheusUrl = await startLocalPrometheus(processes, prometheusBin, dir, [job], path.join(pki, 'prometheus'));
      await waitFor('the first scrape of kube-state-metrics', async () => {
        const up = await query(`up{job="${ksm.name}"}`);
        return up[0]?.value[1] === '1' ? true : undefined;
      }).catch(fail);
    },
    WAIT_MS * 2 + 10_000,
  );

  afterAll(async () => {
    await processes.stopAll();
    await fake?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the Deployment runs the command line the test runs', () => {
    expect(deployment.spec?.template.spec?.containers[0]?.args).toEqual(kubeStateMetricsArgs(ksm.port('metrics').port));
  });

  test('asks the API server only for what it serves: its version, and a list and a watch of each resource', () => {
    expect(fake.unknown).toEqual([]);
    expect(fake.requests).toContain('GET /version');
    for (const [group, resources] of Object.entries(KSM_RESOURCES))
      for (const resource of resources) {
        const base = group === '' ? `/api/v1/${resource}` : `/apis/${group}/v1/${resource}`;
        expect(fake.requests.filter((q) => q.startsWith(`GET ${base}?`)).length).toBeGreaterThanOrEqual(2);
      }
  });

  test('refuses a client without a certificate from the stack CA', async () => {
    await expect(httpsGet(port, '/metrics', path.join(pki, 'ca.crt'))).rejects.toThrow(/certificate required/);
  });

  catalogArrivalTests(KUBE_STATE_METRICS, () => ({ samples, types }));

  test.each(
    KUBE_STATE_METRICS.metrics.flatMap((def) =>
      seriesNames(def).map((series): [string, string[]] => [series, seriesLabelNames(def, KUBE_STATE_METRICS, series)]),
    ),
  )('Prometheus stores %s with exactly its labels and the job’s', async (series, labels) => {
    const stored = await query(`${series}{job="${ksm.name}"}`);
    expect(stored.length).toBeGreaterThan(0);
    for (const s of stored) expect(Object.keys(s.metric).sort()).toEqual([...labels, '__name__'].sort());
    // honor_labels: a series keeps the namespace of the object it describes, not the exporter's.
    for (const s of stored) if (s.metric.namespace !== undefined) expect(s.metric.namespace).toBe(NS);
  });

  test.each([
    ['kube_pod_container_status_restarts_total', { pod: crashing.metadata!.name!, container: 'api' }, 5],
    ['kube_pod_container_status_waiting_reason', { pod: crashing.metadata!.name!, reason: 'CrashLoopBackOff' }, 1],
    ['kube_pod_container_status_waiting_reason', { pod: pending.metadata!.name!, reason: 'ContainerCreating' }, 1],
    ['kube_pod_status_phase', { pod: pending.metadata!.name!, phase: 'Pending' }, 1],
    ['kube_pod_status_phase', { pod: running.metadata!.name!, phase: 'Running' }, 1],
    ['kube_pod_status_ready', { pod: running.metadata!.name!, condition: 'true' }, 1],
    ['kube_pod_status_ready', { pod: pending.metadata!.name!, condition: 'false' }, 1],
    ['kube_pod_owner', { pod: pending.metadata!.name!, owner_kind: 'StatefulSet', owner_name: 'db' }, 1],
    ['kube_node_status_condition', { node: NODE, condition: 'MemoryPressure', status: 'true' }, 1],
    ['kube_node_status_condition', { node: NODE, condition: 'Ready', status: 'true' }, 1],
    ['kube_node_status_condition', { node: NODE, condition: 'Ready', status: 'false' }, 0],
    ['kube_node_spec_unschedulable', { node: NODE }, 0],
    ['kube_deployment_spec_replicas', { namespace: NS, deployment: 'api' }, 2],
    ['kube_deployment_status_replicas_available', { namespace: NS, deployment: 'api' }, 1],
    ['kube_statefulset_status_replicas_ready', { namespace: NS, statefulset: 'db' }, 0],
    ['kube_daemonset_status_number_ready', { namespace: NS, daemonset: 'log-shipper' }, 1],
    ['kube_job_failed', { namespace: NS, job_name: 'migrate', condition: 'true' }, 1],
    ['kube_persistentvolumeclaim_status_phase', { persistentvolumeclaim: 'data-db-0', phase: 'Bound' }, 1],
  ] as Array<[string, Record<string, string>, number]>)('%s%j is %d', (name, labels, value) => {
    expect(valueOf(name, labels)).toBe(value);
  });
});
