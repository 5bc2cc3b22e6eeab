import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { configMapData, KubeObject } from './helpers';
import { writeTestCertificates } from './tls-fixture';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    fieldRef?: { fieldPath: string };
    secretKeyRef?: { name: string; key: string };
    resourceFieldRef?: unknown;
  };
}

interface Container {
  name: string;
  args?: string[];
  env?: EnvVar[];
}

/** What the kubelet would put in a downward-API variable, as a stand-in outside the cluster. */
const FIELD_STAND_INS: Record<string, string> = {
  'spec.nodeName': 'judge-node',
  'status.hostIP': '127.0.0.1',
  'status.podIP': '127.0.0.1',
  'metadata.name': 'judge-pod-0',
  'metadata.namespace': 'judge-namespace',
};

/**
 * The environment the rendered pod spec gives container `container` of workload `workload`: literal values
 * as rendered, downward-API fields and Secret keys as stand-ins, so a config's `${env:...}` references
 * resolve as they would in the pod (and a reference to a variable the pod lacks stays unresolved).
 */
export function podEnv(
  objects: KubeObject[],
  workload: string,
  container = workload,
  apiServer = '127.0.0.1:1',
): Record<string, string> {
  const owner = objects.find(
    (o) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.kind) && o.metadata.name === workload,
  );
  if (!owner) throw new Error(`no workload ${workload}`);
  const spec = (owner as unknown as { spec: { template: { spec: { containers: Container[] } } } }).spec.template.spec;
  const found = spec.containers.find((c) => c.name === container);
  if (!found) throw new Error(`workload ${workload} has no container ${container}`);
  // What the kubelet gives every container: the API server's address (by default a closed local port).
  const [host = '', port = ''] = apiServer.split(':');
  const env: Record<string, string> = { KUBERNETES_SERVICE_HOST: host, KUBERNETES_SERVICE_PORT: port };
  for (const variable of found.env ?? []) {
    const fieldPath = variable.valueFrom?.fieldRef?.fieldPath;
    if (variable.value !== undefined) env[variable.name] = variable.value;
    else if (fieldPath !== undefined) {
      const standIn = FIELD_STAND_INS[fieldPath];
      if (standIn === undefined) throw new Error(`no stand-in for the downward-API field ${fieldPath}`);
      env[variable.name] = standIn;
    } else if (variable.valueFrom?.secretKeyRef)
      env[variable.name] = `judge-secret-${variable.valueFrom.secretKeyRef.key}`;
  }
  return env;
}

/** Where the kubelet mounts a pod's service account token, CA and namespace. */
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * Whether the workload's pod gets a service account token (automountServiceAccountToken), as the
 * kubelet decides it: the pod's own setting, else its ServiceAccount's, else yes.
 */
export function mountsServiceAccountToken(objects: KubeObject[], workload: string): boolean {
  const owner = objects.find(
    (o) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.kind) && o.metadata.name === workload,
  );
  if (!owner) throw new Error(`no workload ${workload}`);
  const pod = (
    owner as unknown as {
      spec: { template: { spec: { automountServiceAccountToken?: boolean; serviceAccountName?: string } } };
    }
  ).spec.template.spec;
  if (pod.automountServiceAccountToken !== undefined) return pod.automountServiceAccountToken;
  const account = objects.find(
    (o) => o.kind === 'ServiceAccount' && o.metadata.name === (pod.serviceAccountName ?? 'default'),
  );
  return (account as { automountServiceAccountToken?: boolean } | undefined)?.automountServiceAccountToken ?? true;
}

/**
 * A command line that runs `bin args` the way the pod would see its service account: in a private mount
 * namespace (root only; nothing changes outside it) with a token, a CA and a namespace file where the
 * kubelet mounts them, written into `dir`. Kubernetes' own KUBERNETES_SERVICE_HOST/PORT go into the
 * environment from `podEnv(..., { apiServer })`.
 */
export function withServiceAccount(dir: string, bin: string, args: string[]): [string, string[]] {
  const account = path.join(dir, 'serviceaccount');
  if (!fs.existsSync(path.join(account, 'token'))) {
    writeTestCertificates(account, ['kubernetes.default.svc']);
    fs.writeFileSync(path.join(account, 'token'), 'judge-service-account-token');
    fs.writeFileSync(path.join(account, 'namespace'), 'judge-namespace');
  }
  const script = [
    'set -e',
    'mount -t tmpfs judge-pod /run',
    `mkdir -p ${SERVICE_ACCOUNT_DIR}`,
    `cp "$0/token" "$0/ca.crt" "$0/namespace" ${SERVICE_ACCOUNT_DIR}/`,
    'shift',
    'exec "$@"',
  ].join('\n');
  return ['unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, account, 'judge', bin, ...args]];
}

/** The rendered config file a workload reads, from its ConfigMap. */
export function renderedConfig(objects: KubeObject[], configMap: string, key = 'config.yaml'): string {
  return configMapData(objects, configMap, key);
}

/**
 * Runs a judge and returns its output; a non-zero exit throws with the command, exit code and output,
 * so a failing test shows exactly what the real program said. The environment is only `env` plus PATH
 * and HOME: nothing of the test runner's leaks into what the config can reference.
 */
export function runJudge(tool: string, args: string[], env: Record<string, string> = {}, cwd?: string): string {
  try {
    return execFileSync(tool, args, {
      encoding: 'utf8',
      stdio: 'pipe',
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      timeout: 120_000,
    });
  } catch (e) {
    const err = e as { status?: number; stdout?: string; stderr?: string };
    throw new Error(
      `${path.basename(tool)} ${args.join(' ')} exited ${err.status}:\n${err.stdout ?? ''}${err.stderr ?? ''}`,
      { cause: e },
    );
  }
}
