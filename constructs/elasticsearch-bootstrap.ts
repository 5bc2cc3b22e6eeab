import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import type { estypes } from '@elastic/elasticsearch';
import { SecretKeyRef } from '../src/config/types';
import {
  byCodePoint,
  containerSecurity,
  PART_OF,
  Peer,
  podSecurity,
  resourceRequirements,
  secretFiles,
} from '../src/lib/component';
import { contentHash } from '../src/lib/hash';
import { toJson } from '../src/lib/render';
import { ElasticsearchCluster } from './elasticsearch-cluster';
import { IlmPolicyBody, IndexTemplateBody, Retention, SlmPolicyBody } from './retention';
import { RoleMappingBody } from './kibana-sso';

export interface ElasticsearchBootstrapProps {
  readonly elasticsearch: ElasticsearchCluster;
  /** Password to set on the built-in `kibana_system` user. @default - left unset */
  readonly kibanaSystemPassword?: SecretKeyRef;
  /** ILM policies, index templates and snapshot lifecycle to apply. @default - none */
  readonly retention?: Retention;
  /** Role mappings to apply (Kibana single sign-on's), by name. @default - none */
  readonly roleMappings?: Record<string, RoleMappingBody>;
  /** A license file from Elastic to install before anything else. @default - none: the cluster's own */
  readonly license?: SecretKeyRef;
}

/** The request bodies the bootstrap Job sends, keyed by file name; typed against the client's API. */
export interface BootstrapRequests {
  readonly roles: Record<string, Omit<estypes.SecurityPutRoleRequest, 'name'>>;
  readonly roleMappings: Record<string, RoleMappingBody>;
  readonly ilmPolicies: Record<string, IlmPolicyBody>;
  readonly indexTemplates: Record<string, IndexTemplateBody>;
  readonly snapshotRepositories: Record<string, estypes.SnapshotRepository>;
  readonly slmPolicies: Record<string, SlmPolicyBody>;
}

/** File name prefix of each kind of request body, and the API path it is PUT to (in this order). */
export const BOOTSTRAP_APIS = [
  { prefix: 'role', path: '_security/role', requests: 'roles' },
  { prefix: 'role_mapping', path: '_security/role_mapping', requests: 'roleMappings' },
  { prefix: 'ilm', path: '_ilm/policy', requests: 'ilmPolicies' },
  { prefix: 'template', path: '_index_template', requests: 'indexTemplates' },
  { prefix: 'repository', path: '_snapshot', requests: 'snapshotRepositories' },
  { prefix: 'slm', path: '_slm/policy', requests: 'slmPolicies' },
] as const;

/**
 * Where the Job reads its credentials, one file each: `elastic/password` (and `elastic/username` when
 * the superuser is not `elastic`), `kibana-system/password`, `users/<user>/{username,password}`; and
 * the license, `license/license.json`.
 */
const SECRETS_DIR = '/etc/agent-o11y/secrets';

const SCRIPT = `#!/bin/bash
# Installs the license, applies roles, users, role mappings, ILM policies, index templates and
# snapshot lifecycle to Elasticsearch;
# every request is idempotent (PUT of the whole object).
set -euo pipefail
secrets=${SECRETS_DIR}
elastic_user=elastic
if [ -e "$secrets/elastic/username" ]; then elastic_user=$(cat "$secrets/elastic/username"); fi
elastic_password=$(cat "$secrets/elastic/password")
# ES_CA unset: the cluster's certificate is verified against the image's public roots. A failed
# request fails es (the newline after a body only follows a success), so the wait below waits.
es() { curl --silent --show-error --fail-with-body \${ES_CA:+--cacert "$ES_CA"} -u "\${elastic_user}:\${elastic_password}" -H 'Content-Type: application/json' "$@" && echo; }
escape() { sed -e 's/\\\\/\\\\\\\\/g' -e 's/"/\\\\"/g'; }
until es "\${ES_URL}/_cluster/health?wait_for_status=yellow&timeout=10s" >/dev/null; do
  echo "waiting for Elasticsearch at \${ES_URL}"; sleep 5
done
# The license first: what follows may need it (an OIDC realm is active only under Platinum or
# Enterprise, and becomes so when the license is installed, without a restart).
if [ -e "$secrets/license/license.json" ]; then
  es -X PUT "\${ES_URL}/_license?acknowledge=true" --data-binary "@$secrets/license/license.json" >/dev/null
fi
if [ -e "$secrets/kibana-system/password" ]; then
  printf '{"password":"%s"}' "$(escape < "$secrets/kibana-system/password")" \\
    | es -X POST "\${ES_URL}/_security/user/kibana_system/_password" --data-binary @-
fi
# PUT every body of one kind: <prefix>-<name>.json goes to <path>/<name>. Policies before the
# templates that name them, the repository before the SLM policy that uses it.
put_all() {
  for body in /etc/agent-o11y/bootstrap/"$1"-*.json; do
    [ -e "$body" ] || continue
    name=$(basename "$body" .json); name=\${name#"$1"-}
    es -X PUT "\${ES_URL}/$2/\${name}" --data-binary "@\${body}"
  done
}
${BOOTSTRAP_APIS.filter((api) => api.prefix === 'role')
  .map((api) => `put_all ${api.prefix} ${api.path}`)
  .join('\n')}
for user in \${USERS}; do
  role_var="ROLE_\${user}"
  printf '{"password":"%s","roles":["%s"]}' "$(escape < "$secrets/users/\${user}/password")" "\${!role_var}" \\
    | es -X PUT "\${ES_URL}/_security/user/$(cat "$secrets/users/\${user}/username")" --data-binary @-
done
${BOOTSTRAP_APIS.filter((api) => api.prefix !== 'role')
  .map((api) => `put_all ${api.prefix} ${api.path}`)
  .join('\n')}
echo "bootstrap complete"
`;

/**
 * A Job that installs the license (when one is given), creates the roles and users other components
 * registered with `Elasticsearch.grant` and the role mappings of Kibana's single sign-on, sets the
 * `kibana_system` password, then applies ILM policies, index templates, the snapshot
 * repository and SLM policy; every request is a PUT of the whole object, so a re-run is harmless. Its name carries a hash of what it applies, so a change
 * creates a new Job that runs again.
 */
export class ElasticsearchBootstrap extends Construct {
  public readonly requests: BootstrapRequests;
  public readonly jobName: string;
  /** The Job's pods, as a peer that connects to Elasticsearch. */
  public readonly peer: Peer;

  constructor(scope: Construct, id: string, props: ElasticsearchBootstrapProps) {
    super(scope, id);
    const es = props.elasticsearch;
    const grants = [...es.grants].sort((a, b) => byCodePoint(a.roleName, b.roleName));
    const retention = props.retention;
    this.requests = {
      roles: Object.fromEntries(grants.map((g) => [g.roleName, g.role])),
      roleMappings: props.roleMappings ?? {},
      ilmPolicies: retention?.ilmPolicies ?? {},
      indexTemplates: retention?.indexTemplates ?? {},
      snapshotRepositories: retention?.snapshotRepositories ?? {},
      slmPolicies: retention?.slmPolicies ?? {},
    };

    const files: Record<string, string> = { 'bootstrap.sh': SCRIPT };
    for (const api of BOOTSTRAP_APIS) {
      for (const [name, body] of Object.entries(this.requests[api.requests]))
        files[`${api.prefix}-${name}.json`] = toJson(body);
    }
    const hash = contentHash(
      ...Object.entries(files).flat(),
      JSON.stringify(grants.map((g) => g.credentials)),
      JSON.stringify(props.kibanaSystemPassword ?? null),
      JSON.stringify(props.license ?? null),
    );
    const name = `${es.name}-bootstrap`;
    const peer = (this.peer = {
      name,
      selector: {
        'app.kubernetes.io/name': name,
        'app.kubernetes.io/instance': PART_OF,
      },
    });
    this.jobName = `${name}-${hash.slice(0, 8)}`;
    const labels = { ...es.labels, 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': 'bootstrap' };

    new k8s.KubeConfigMap(this, 'Config', { metadata: { name: this.jobName, labels }, data: files });
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name, labels },
      automountServiceAccountToken: false,
    });

    const userKeys = grants.map((_, i) => `u${i}`);
    const trust = es.trust();
    const env: k8s.EnvVar[] = [
      { name: 'ES_URL', value: es.endpoint(peer, 'https').url() },
      ...(trust.caFile ? [{ name: 'ES_CA', value: trust.caFile }] : []),
      { name: 'USERS', value: userKeys.join(' ') },
      ...grants.map((g, i) => ({ name: `ROLE_${userKeys[i]}`, value: g.roleName })),
    ];
    // Every credential as a file (none in the environment): one volume, a directory per user.
    const secrets = secretFiles('secrets', {
      ...(typeof es.superuser.username === 'string' ? {} : { 'elastic/username': es.superuser.username }),
      'elastic/password': es.superuser.password,
      ...(props.kibanaSystemPassword ? { 'kibana-system/password': props.kibanaSystemPassword } : {}),
      ...(props.license ? { 'license/license.json': props.license } : {}),
      ...Object.fromEntries(
        grants.flatMap((g, i) => [
          [`users/${userKeys[i]}/username`, { secretName: g.credentials.secretName, key: g.credentials.usernameKey }],
          [`users/${userKeys[i]}/password`, { secretName: g.credentials.secretName, key: g.credentials.passwordKey }],
        ]),
      ),
    });

    new k8s.KubeJob(this, 'Resource', {
      metadata: { name: this.jobName, labels },
      spec: {
        backoffLimit: 30,
        template: {
          metadata: { labels },
          spec: {
            restartPolicy: 'OnFailure',
            serviceAccountName: name,
            automountServiceAccountToken: false,
            securityContext: podSecurity(),
            containers: [
              {
                name: 'bootstrap',
                image: es.image,
                command: ['bash', '/etc/agent-o11y/bootstrap/bootstrap.sh'],
                env,
                resources: resourceRequirements({
                  requests: { cpu: '50m', memory: '64Mi' },
                  limits: { cpu: '200m', memory: '128Mi' },
                }),
                securityContext: containerSecurity(true),
                volumeMounts: [
                  { name: 'bootstrap', mountPath: '/etc/agent-o11y/bootstrap', readOnly: true },
                  ...trust.mounts,
                  { name: 'secrets', mountPath: SECRETS_DIR, readOnly: true },
                ],
              },
            ],
            volumes: [{ name: 'bootstrap', configMap: { name: this.jobName } }, ...trust.volumes, secrets],
          },
        },
      },
    });
  }
}
