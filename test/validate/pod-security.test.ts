import { allObjects, PROFILE_CONFIGS } from '../helpers';

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job']);

describe.each(Object.keys(PROFILE_CONFIGS))('every pod of the %s profile', (profile) => {
  const pods = allObjects(PROFILE_CONFIGS[profile])
    .filter((o) => WORKLOADS.has(o.kind))
    .map((o) => ({ name: `${o.kind}/${o.metadata.name}`, spec: (o as any).spec.template.spec }));

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
    for (const { name, spec } of pods.filter((p) => !p.name.startsWith('Job/'))) {
      for (const c of spec.containers) {
        expect([name, c.name, !!c.livenessProbe, !!c.readinessProbe]).toEqual([name, c.name, true, true]);
      }
    }
  });

  test('pins every image to a release tag', () => {
    for (const { spec } of pods) {
      for (const c of spec.containers) expect(c.image).toMatch(/:v?\d+\.\d+\.\d+$/);
    }
  });
});
