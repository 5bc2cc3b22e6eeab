/**
 * The bootstrap Job's real script (bash and curl, as in its pod) against an existing Elasticsearch
 * (examples/byo-elasticsearch): a recording HTTPS stand-in reached at the configured URL through a
 * CONNECT proxy, with a certificate from a throwaway CA mounted where the Job mounts the cluster's
 * CA. What it sends, and as whom, is what the stand-in records.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import { loadConfig } from '../../src/config/loader';
import type { StackConfig } from '../../src/config/types';
import { find, synthStack } from '../helpers';
import { writeTestCertificates } from '../tls-fixture';
import { serveHttps, startConnectProxy } from './fake-elasticsearch';
import { podSpec } from '../constructs/snapshot';

const config = loadConfig(path.resolve(__dirname, '..', '..', 'examples', 'byo-elasticsearch', 'agent-o11y.yaml'));
const stack = { config, ...synthStack(config) };
const url = new URL(config.elasticsearch.external!.url);
// The same cluster with Kibana's single sign-on of examples/sso (role mappings) and a license to install.
const LICENSE = { license: { uid: 'a1b2', type: 'platinum', signature: 'AAAA"\\' } };
const ssoConfig: StackConfig = {
  ...config,
  elasticsearch: { ...config.elasticsearch, license: { secretName: 'es-license', key: 'license.json' } },
  kibana: {
    ...config.kibana,
    sso: loadConfig(path.resolve(__dirname, '..', '..', 'examples', 'sso', 'agent-o11y.yaml')).kibana.sso!,
  },
};
const ssoStack = { config: ssoConfig, ...synthStack(ssoConfig) };
type Stack = typeof stack;
const SUPERUSER = { username: 'ops-admin', password: 'sw0rd"fish\\' };

interface Recorded {
  method: string;
  path: string;
  user: string;
  body: string;
}

/** A stand-in that answers every request 200 and records it with the user it authenticated as. */
function recordingElasticsearch(
  certDir: string,
): Promise<{ port: number; requests: Recorded[]; tlsErrors: string[]; stop: () => Promise<void> }> {
  const requests: Recorded[] = [];
  const tlsErrors: string[] = [];
  const server = https.createServer(
    { cert: fs.readFileSync(path.join(certDir, 'tls.crt')), key: fs.readFileSync(path.join(certDir, 'tls.key')) },
    (req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        const auth = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
        requests.push({ method: req.method ?? '', path: req.url ?? '', user: auth, body });
        res.writeHead(200, { 'Content-Type': 'application/json', 'X-Elastic-Product': 'Elasticsearch' });
        res.end('{"acknowledged":true,"status":"green"}');
      });
    },
  );
  return serveHttps(server, tlsErrors).then((served) => ({ ...served, requests }));
}

/**
 * Runs the Job's script of `stack` with its files where it reads them, its environment and `caFile` as
 * the mounted CA; a Secret file's content is `values[<its path>]`, else made up.
 */
function runBootstrap(
  dir: string,
  proxyPort: number,
  caFile: string | undefined,
  timeout: number,
  { config, files, parts }: Stack = stack,
  values: Record<string, string> = {},
) {
  const job = podSpec(find(files.elasticsearch, 'Job', parts.bootstrap.jobName));
  const container = job.containers[0];
  const local = (p: string) => p.replace('/etc/agent-o11y/', `${dir}/`);
  // The ConfigMap's files.
  const configMap = (find(files.elasticsearch, 'ConfigMap', parts.bootstrap.jobName) as any).data as Record<
    string,
    string
  >;
  fs.mkdirSync(path.join(dir, 'bootstrap'), { recursive: true });
  for (const [file, text] of Object.entries(configMap))
    fs.writeFileSync(path.join(dir, 'bootstrap', file), local(text).split('/etc/agent-o11y/').join(`${dir}/`));
  // Every Secret key the projected volume names, with a value: the superuser's from SUPERUSER.
  const external = config.elasticsearch.external!.credentials;
  const secrets = job.volumes!.find((v) => v.name === 'secrets')!.projected.sources as any[];
  for (const { secret } of secrets) {
    for (const item of secret.items) {
      const value =
        values[item.path] ??
        (secret.name === external.secretName
          ? item.key === external.usernameKey
            ? SUPERUSER.username
            : SUPERUSER.password
          : `${secret.name}-${item.key}`);
      fs.mkdirSync(path.dirname(path.join(dir, 'secrets', item.path)), { recursive: true });
      fs.writeFileSync(path.join(dir, 'secrets', item.path), `${value}\n`);
    }
  }
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HTTPS_PROXY: `http://127.0.0.1:${proxyPort}` };
  for (const e of container.env as Array<{ name: string; value: string }>) env[e.name] = local(e.value);
  if (caFile) {
    expect(env.ES_CA).toBe(local('/etc/agent-o11y/es-ca/ca.crt'));
    fs.mkdirSync(path.dirname(env.ES_CA!), { recursive: true });
    fs.copyFileSync(caFile, env.ES_CA!);
  } else delete env.ES_CA;
  // Asynchronously: the stand-in answers from this process.
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn('bash', [path.join(dir, 'bootstrap', 'bootstrap.sh')], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

describe('the bootstrap Job against an existing Elasticsearch', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-o11y-bootstrap-'));
    writeTestCertificates(path.join(dir, 'pki'), [url.hostname]);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('applies roles, users, ILM policies, templates, the repository and SLM as the configured user, over TLS verified by its CA', async () => {
    const es = await recordingElasticsearch(path.join(dir, 'pki'));
    const proxy = await startConnectProxy({ [`${url.hostname}:${url.port}`]: es.port });
    try {
      const run = await runBootstrap(path.join(dir, 'trusted'), proxy.port, path.join(dir, 'pki', 'ca.crt'), 60_000);
      expect([run.status, run.stderr]).toEqual([0, '']);
      expect(run.stdout).toContain('bootstrap complete');
      expect(es.tlsErrors).toEqual([]);
      expect(new Set(es.requests.map((r) => r.user))).toEqual(new Set([`${SUPERUSER.username}:${SUPERUSER.password}`]));
      const put = (prefix: string) =>
        Object.fromEntries(
          es.requests
            .filter((r) => r.method === 'PUT' && r.path.startsWith(`/${prefix}/`))
            .map((r) => [decodeURIComponent(r.path.slice(prefix.length + 2)), JSON.parse(r.body)]),
        );
      const r = stack.parts.bootstrap.requests;
      // The bodies it sent are the typed request bodies, whole.
      expect(put('_security/role')).toEqual(JSON.parse(JSON.stringify(r.roles)));
      expect(put('_ilm/policy')).toEqual(JSON.parse(JSON.stringify(r.ilmPolicies)));
      expect(put('_index_template')).toEqual(JSON.parse(JSON.stringify(r.indexTemplates)));
      expect(put('_snapshot')).toEqual(JSON.parse(JSON.stringify(r.snapshotRepositories)));
      expect(put('_slm/policy')).toEqual(JSON.parse(JSON.stringify(r.slmPolicies)));
      expect(Object.keys(put('_security/user')).sort()).toEqual(
        stack.parts.elasticsearch.grants.map((g) => `${g.credentials.secretName}-${g.credentials.usernameKey}`).sort(),
      );
      expect(es.requests.filter((q) => q.method === 'POST').map((q) => q.path)).toEqual([
        '/_security/user/kibana_system/_password',
      ]);
      // Without kibana.sso and elasticsearch.license: no role mapping and no license.
      expect(put('_security/role_mapping')).toEqual({});
      expect(es.requests.filter((q) => q.path.startsWith('/_license'))).toEqual([]);
    } finally {
      await proxy.stop();
      await es.stop();
    }
  }, 90_000);

  test('with kibana.sso and elasticsearch.license: installs the license first, then applies the role mappings, bodies whole', async () => {
    const es = await recordingElasticsearch(path.join(dir, 'pki'));
    const proxy = await startConnectProxy({ [`${url.hostname}:${url.port}`]: es.port });
    try {
      const license = JSON.stringify(LICENSE, null, 2);
      const run = await runBootstrap(
        path.join(dir, 'sso'),
        proxy.port,
        path.join(dir, 'pki', 'ca.crt'),
        60_000,
        ssoStack,
        {
          'license/license.json': license,
        },
      );
      expect([run.status, run.stderr]).toEqual([0, '']);
      expect(run.stdout).toContain('bootstrap complete');
      const paths = es.requests.map((q) => `${q.method} ${q.path}`);
      // After the wait for the cluster, before everything else.
      expect(paths.filter((p) => !p.includes('_cluster/health'))[0]).toBe('PUT /_license?acknowledge=true');
      expect(paths.filter((p) => p.includes('_license'))).toEqual(['PUT /_license?acknowledge=true']);
      // The file as Elastic sends it (written with a final newline), byte for byte.
      expect(es.requests.find((q) => q.path.startsWith('/_license'))!.body).toBe(`${license}\n`);
      const mappings = es.requests.filter((q) => q.method === 'PUT' && q.path.startsWith('/_security/role_mapping/'));
      expect(
        Object.fromEntries(mappings.map((q) => [q.path.slice('/_security/role_mapping/'.length), JSON.parse(q.body)])),
      ).toEqual(JSON.parse(JSON.stringify(ssoStack.parts.bootstrap.requests.roleMappings)));
      // Each once (in the order of their files: mappings are independent of each other).
      expect(mappings.map((q) => q.path)).toEqual([
        '/_security/role_mapping/sso-everyone',
        '/_security/role_mapping/sso-sre',
      ]);
      // After the roles they could name.
      const lastRole = Math.max(...paths.map((p, i) => (/^PUT \/_security\/role\/[^/]+$/.test(p) ? i : -1)));
      expect(paths.indexOf('PUT /_security/role_mapping/sso-sre')).toBeGreaterThan(lastRole);
      expect(new Set(es.requests.map((r) => r.user))).toEqual(new Set([`${SUPERUSER.username}:${SUPERUSER.password}`]));
    } finally {
      await proxy.stop();
      await es.stop();
    }
  }, 90_000);

  test('with `ca: system`, does not trust a certificate of a CA the image does not know', async () => {
    const es = await recordingElasticsearch(path.join(dir, 'pki'));
    const proxy = await startConnectProxy({ [`${url.hostname}:${url.port}`]: es.port });
    try {
      // It waits for a cluster it can verify, so it is stopped after a few tries.
      const run = await runBootstrap(path.join(dir, 'system'), proxy.port, undefined, 8_000);
      expect(run.status).not.toBe(0);
      // It waits (a failed request fails the wait's check), and curl says why.
      expect([run.stdout, run.stderr]).toEqual([
        expect.stringContaining('waiting for Elasticsearch'),
        expect.stringContaining('SSL certificate problem'),
      ]);
      expect(es.requests).toEqual([]);
      expect(es.tlsErrors.length).toBeGreaterThan(0);
    } finally {
      await proxy.stop();
      await es.stop();
    }
  }, 30_000);
});
