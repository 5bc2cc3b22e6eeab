import { ALL_CONFIGS, allObjects } from '../helpers';

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

/**
 * The one documented exception: the collector agent reads the node's pod logs, root-owned files, so
 * it mounts two host paths and runs as uid 0; it lives in its own namespace labeled "privileged".
 * Everything else "restricted" asks for still holds for it.
 */
const AGENT_EXCEPTION = {
  name: 'DaemonSet/otel-agent',
  hostPaths: [
    { path: '/var/log/pods', readOnly: true },
    { path: '/var/lib/agent-o11y/otel-agent', readOnly: false },
  ],
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
  const pods = all.filter((p) => p.name !== AGENT_EXCEPTION.name);

  test('runs in the stack namespace, which enforces "restricted", except the agent in its "privileged" one', () => {
    const labels = (name: string) =>
      objects.find((o) => o.kind === 'Namespace' && o.metadata.name === name)!.metadata.labels!;
    expect(labels(stackNamespace)['pod-security.kubernetes.io/enforce']).toBe('restricted');
    for (const { name, namespace } of pods) expect([name, namespace]).toEqual([name, stackNamespace]);
    const agent = all.find((p) => p.name === AGENT_EXCEPTION.name)!;
    expect(agent.namespace).not.toBe(stackNamespace);
    expect(labels(agent.namespace!)).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'privileged',
      'pod-security.kubernetes.io/warn': 'baseline',
      'pod-security.kubernetes.io/audit': 'baseline',
    });
  });

  test('gives the agent only its documented exception: two host paths, read as root with no capabilities', () => {
    const { spec } = all.find((p) => p.name === AGENT_EXCEPTION.name)!;
    const hostPaths = (spec.volumes as any[])
      .filter((v) => v.hostPath)
      .map((v) => ({
        path: v.hostPath.path,
        readOnly: spec.containers[0].volumeMounts.find((m: any) => m.name === v.name).readOnly === true,
      }));
    expect(hostPaths).toEqual(AGENT_EXCEPTION.hostPaths);
    expect(spec.hostNetwork || spec.hostPID || spec.hostIPC).toBeFalsy();
    expect(spec.securityContext).toEqual({
      runAsNonRoot: false,
      runAsUser: 0,
      runAsGroup: 0,
      seccompProfile: { type: 'RuntimeDefault' },
    });
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
  });

  test('passes the restricted Pod Security Standard', () => {
    expect(pods.length).toBeGreaterThanOrEqual(9);
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

  test('pins every image to a release tag', () => {
    for (const { spec } of all) {
      for (const c of spec.containers) expect(c.image).toMatch(/:v?\d+\.\d+\.\d+$/);
    }
  });
});
