import { ALL_CONFIGS, allObjects } from '../helpers';

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

/**
 * The documented exceptions, each in the agent's own namespace, labeled "privileged"; everything else
 * "restricted" asks for still holds for them:
 * - the collector agent reads the node's pod logs, root-owned files, so it mounts two host paths and
 *   runs as uid 0;
 * - node-exporter reads the node's /proc, /sys and root filesystem, read-only, as `nobody`, on the
 *   node's network (so its network metrics are the node's).
 */
const EXCEPTIONS: Record<
  string,
  { hostPaths: Array<{ path: string; readOnly: boolean }>; hostNetwork: boolean; podSecurity: object }
> = {
  'DaemonSet/otel-agent': {
    hostPaths: [
      { path: '/var/log/pods', readOnly: true },
      { path: '/var/lib/agent-o11y/otel-agent', readOnly: false },
    ],
    hostNetwork: false,
    podSecurity: { runAsNonRoot: false, runAsUser: 0, runAsGroup: 0, seccompProfile: { type: 'RuntimeDefault' } },
  },
  'DaemonSet/node-exporter': {
    hostPaths: [
      { path: '/proc', readOnly: true },
      { path: '/sys', readOnly: true },
      { path: '/', readOnly: true },
    ],
    hostNetwork: true,
    podSecurity: {
      runAsNonRoot: true,
      runAsUser: 65534,
      runAsGroup: 65534,
      fsGroup: 65534,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    },
  },
};

describe.each(Object.keys(ALL_CONFIGS))('every pod of the %s config', (profile) => {
  const objects = allObjects(ALL_CONFIGS[profile]!);
  const all = objects
    .filter((o) => WORKLOADS.has(o.kind))
    .map((o) => ({
      name: `${o.kind}/${o.metadata.name}`,
      namespace: o.metadata.namespace,
      spec: o.kind === 'CronJob' ? (o as any).spec.jobTemplate.spec.template.spec : (o as any).spec.template.spec,
    }));
  const stackNamespace = ALL_CONFIGS[profile]!.common.namespace;
  const pods = all.filter((p) => !(p.name in EXCEPTIONS));
  const exceptions = all.filter((p) => p.name in EXCEPTIONS);

  test('runs in the stack namespace, which enforces "restricted", except the exceptions in their "privileged" one', () => {
    const labels = (name: string) =>
      objects.find((o) => o.kind === 'Namespace' && o.metadata.name === name)!.metadata.labels!;
    expect(labels(stackNamespace)['pod-security.kubernetes.io/enforce']).toBe('restricted');
    for (const { name, namespace } of pods) expect([name, namespace]).toEqual([name, stackNamespace]);
    expect(exceptions.map((p) => p.name).sort()).toEqual(
      Object.keys(EXCEPTIONS)
        .filter((n) => n !== 'DaemonSet/node-exporter' || ALL_CONFIGS[profile]!.nodeExporter.enabled)
        .sort(),
    );
    for (const { namespace } of exceptions) {
      expect(namespace).not.toBe(stackNamespace);
      expect(labels(namespace!)).toMatchObject({
        'pod-security.kubernetes.io/enforce': 'privileged',
        'pod-security.kubernetes.io/warn': 'baseline',
        'pod-security.kubernetes.io/audit': 'baseline',
      });
    }
  });

  test('gives each exception only what it documents: its host paths (and network), no capabilities', () => {
    for (const { name, spec } of exceptions) {
      const exception = EXCEPTIONS[name]!;
      const hostPaths = (spec.volumes as any[])
        .filter((v) => v.hostPath)
        .map((v) => ({
          path: v.hostPath.path,
          readOnly: spec.containers[0].volumeMounts.find((m: any) => m.name === v.name).readOnly === true,
        }));
      expect([name, hostPaths]).toEqual([name, exception.hostPaths]);
      expect([name, spec.hostNetwork === true, spec.hostPID || spec.hostIPC]).toEqual([
        name,
        exception.hostNetwork,
        undefined,
      ]);
      expect([name, spec.securityContext]).toEqual([name, exception.podSecurity]);
      for (const c of spec.containers) {
        expect(c.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          privileged: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(c.securityContext.capabilities.add).toBeUndefined();
        expect(c.ports.every((p: any) => p.hostPort === undefined)).toBe(true);
      }
    }
  });

  test('passes the restricted Pod Security Standard', () => {
    // With the Prometheus Operator, the release runs Prometheus, Alertmanager and Grafana (and here
    // kube-state-metrics): three or four pods fewer.
    expect(pods.length).toBeGreaterThanOrEqual(ALL_CONFIGS[profile]!.prometheusOperator.enabled ? 6 : 9);
    for (const { name, spec } of pods) {
      const problems: string[] = [];
      if (spec.hostNetwork || spec.hostPID || spec.hostIPC) problems.push('host namespaces');
      if ((spec.volumes ?? []).some((v: any) => v.hostPath)) problems.push('hostPath volume');
      if (spec.securityContext?.runAsNonRoot !== true) problems.push('pod runAsNonRoot');
      if (spec.securityContext?.seccompProfile?.type !== 'RuntimeDefault') problems.push('pod seccomp');
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
        const sc = c.securityContext ?? {};
        if (sc.allowPrivilegeEscalation !== false) problems.push(`${c.name}: allowPrivilegeEscalation`);
        if (sc.privileged) problems.push(`${c.name}: privileged`);
        if (JSON.stringify(sc.capabilities?.drop) !== '["ALL"]') problems.push(`${c.name}: capabilities`);
        if (sc.capabilities?.add?.length) problems.push(`${c.name}: added capabilities`);
        if (!c.resources?.requests || !c.resources?.limits?.memory) problems.push(`${c.name}: resources`);
      }
      expect([name, problems]).toEqual([name, []]);
    }
  });

  test('has liveness and readiness probes on every long-running container', () => {
    for (const { name, spec } of all.filter((p) => !/^(Cron)?Job\//.test(p.name))) {
      for (const c of spec.containers) {
        expect([name, c.name, !!c.livenessProbe, !!c.readinessProbe]).toEqual([name, c.name, true, true]);
      }
    }
  });

  // The kubelet resolves a probe's named port among the probed container's own ports only (a name
  // declared on another container of the pod fails the probe, and the container restarts).
  test("names in each probe only a port of the probed container's own", () => {
    for (const { name, spec } of all) {
      for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
        const own = new Set((c.ports ?? []).map((p: { name?: string }) => p.name));
        for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) {
          const port = probe?.tcpSocket?.port ?? probe?.httpGet?.port ?? probe?.grpc?.port;
          if (typeof port === 'string') expect([name, c.name, port, own.has(port)]).toEqual([name, c.name, port, true]);
        }
      }
    }
  });

  test('pins every image to a release tag (and, where the config gives one, its digest)', () => {
    for (const { spec } of all) {
      for (const c of spec.containers) expect(c.image).toMatch(/:v?\d+\.\d+\.\d+(@sha256:[a-f0-9]{64})?$/);
    }
  });
});
