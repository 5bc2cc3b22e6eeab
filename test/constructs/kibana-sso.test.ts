import * as path from 'path';
import * as yaml from 'js-yaml';
import { loadConfig } from '../../src/config/loader';
import { configMapData, configProblems, find, KubeObject, PROFILE_CONFIGS, synthStack } from '../helpers';

/**
 * No Elasticsearch or Kibana runs here, so the settings are held to Elastic's own lists for 9.x:
 * - the OpenID Connect realm settings of "Security settings in Elasticsearch", OpenID Connect realm
 *   settings (https://www.elastic.co/docs/reference/elasticsearch/configuration-reference/security-settings#ref-oidc-settings),
 *   as set in "OpenID Connect authentication"
 *   (https://www.elastic.co/docs/deploy-manage/users-roles/cluster-or-deployment-auth/openid-connect),
 *   and registered by OpenIdConnectRealmSettings.java of elastic/elasticsearch (x-pack/plugin/core,
 *   security/authc/oidc); `rp.client_secret` is a secure setting (the keystore);
 * - Kibana's "Security settings" (xpack.security.authc.providers.<type>.<name>.order, .realm,
 *   .description: https://www.elastic.co/docs/reference/kibana/configuration-reference/security-settings)
 *   and "General settings" (server.publicBaseUrl:
 *   https://www.elastic.co/docs/reference/kibana/configuration-reference/general-settings);
 * - the role mapping API (PUT /_security/role_mapping/<name>: enabled, roles, rules with all / any /
 *   field, and the user fields realm.name and groups:
 *   https://www.elastic.co/docs/api/doc/elasticsearch/operation/operation-security-put-role-mapping).
 */
const OIDC_REALM_SETTINGS = [
  'order',
  'rp.client_id',
  'rp.response_type',
  'rp.redirect_uri',
  'rp.requested_scopes',
  'rp.post_logout_redirect_uri',
  'rp.signature_algorithm',
  'op.issuer',
  'op.authorization_endpoint',
  'op.token_endpoint',
  'op.jwkset_path',
  'op.userinfo_endpoint',
  'op.endsession_endpoint',
  'claims.principal',
  'claims.groups',
  'claims.mail',
  'claims.name',
  'claims.dn',
];
const OIDC_SECURE_SETTINGS = ['rp.client_secret'];
const KIBANA_PROVIDER_SETTINGS = ['order', 'realm', 'description', 'hint', 'icon', 'showInSelector', 'enabled'];

type Pod = {
  initContainers: Array<{ command: string[] }>;
  containers: Array<{ volumeMounts: Array<{ name: string; mountPath: string }> }>;
  volumes: Array<{
    name: string;
    projected?: { sources: Array<{ secret: { name: string; items: Array<{ key: string; path: string }> } }> };
  }>;
};
const podOf = (objects: KubeObject[], kind: string, name: string) =>
  (find(objects, kind, name) as unknown as { spec: { template: { spec: Pod } } }).spec.template.spec;

const REALM = 'xpack.security.authc.realms.oidc.oidc1';

describe('Kibana single sign-on', () => {
  test('is off by default: no realm, no provider, no role mapping, no license', () => {
    const { files, parts } = synthStack(PROFILE_CONFIGS.production);
    for (const name of ['elasticsearch', 'elasticsearch-warm'])
      expect(configMapData(files.elasticsearch, name, 'elasticsearch.yml')).not.toContain('realms');
    const kibana = yaml.load(configMapData(files.kibana, 'kibana', 'kibana.yml')) as Record<string, unknown>;
    expect(kibana['xpack.security.authc.providers']).toBeUndefined();
    expect(parts.bootstrap.requests.roleMappings).toEqual({});
    expect(configMapData(files.elasticsearch, parts.bootstrap.jobName, 'bootstrap.sh')).not.toContain('role_mapping-');
  });

  describe('examples/sso (the stack’s own cluster, hot and warm pools)', () => {
    const config = loadConfig(path.resolve(__dirname, '../../examples/sso/agent-o11y.yaml'));
    const sso = config.kibana.sso!;
    const { files, parts } = synthStack(config);
    const pools = ['elasticsearch', 'elasticsearch-warm'];
    const esYml = (pool: string) =>
      yaml.load(configMapData(files.elasticsearch, pool, 'elasticsearch.yml')) as Record<string, unknown>;
    const realmOf = (pool: string) =>
      Object.fromEntries(
        Object.entries(esYml(pool))
          .filter(([k]) => k.startsWith('xpack.security.authc.realms.'))
          .map(([k, v]) => [k.slice(REALM.length + 1), v]),
      );

    test("every node of both pools has the realm, with only settings Elasticsearch's OIDC realm has", () => {
      for (const pool of pools) {
        expect(Object.keys(esYml(pool)).filter((k) => k.startsWith('xpack.security.authc.realms.'))).toEqual(
          Object.keys(realmOf(pool)).map((k) => `${REALM}.${k}`),
        );
        expect(Object.keys(realmOf(pool)).filter((k) => !OIDC_REALM_SETTINGS.includes(k))).toEqual([]);
      }
      expect(realmOf('elasticsearch-warm')).toEqual(realmOf('elasticsearch'));
    });

    test('the realm is a confidential client using the code flow, back at Kibana’s public URL', () => {
      expect(realmOf('elasticsearch')).toEqual({
        order: 0,
        'rp.client_id': 'kibana',
        'rp.response_type': 'code',
        'rp.redirect_uri': 'https://kibana.example.com/api/security/oidc/callback',
        'rp.requested_scopes': ['openid', 'email', 'profile', 'groups'],
        'rp.post_logout_redirect_uri': 'https://kibana.example.com/security/logged_out',
        'op.issuer': sso.issuer,
        'op.authorization_endpoint': sso.authorizationEndpoint,
        'op.token_endpoint': sso.tokenEndpoint,
        'op.jwkset_path': sso.jwksUrl,
        'op.userinfo_endpoint': sso.userinfoEndpoint,
        'op.endsession_endpoint': sso.endSessionEndpoint,
        'claims.principal': 'preferred_username',
        'claims.groups': 'groups',
        'claims.mail': 'email',
        'claims.name': 'name',
      });
    });

    test('the client secret goes into every node’s keystore from its Secret, and into no config', () => {
      for (const pool of pools) {
        expect(JSON.stringify(esYml(pool))).not.toContain('client_secret');
        const pod = podOf(files.elasticsearch, 'StatefulSet', pool);
        const script = pod.initContainers[0]!.command.join(' ');
        for (const secure of OIDC_SECURE_SETTINGS)
          expect(script).toContain(`| elasticsearch-keystore add --stdin ${REALM}.${secure}`);
        const sources = pod.volumes.find((v) => v.name === 'secure-settings')!.projected!.sources;
        expect(sources.find((s) => s.secret.name === 'kibana-oidc')!.secret.items).toEqual([
          { key: 'client-secret', path: `${REALM}.rp.client_secret` },
        ]);
      }
    });

    test('Kibana offers the OIDC provider first and keeps the login form for the break-glass user', () => {
      const kibana = yaml.load(configMapData(files.kibana, 'kibana', 'kibana.yml')) as Record<string, any>;
      expect(kibana['server.publicBaseUrl']).toBe('https://kibana.example.com');
      const providers = kibana['xpack.security.authc.providers'];
      expect(providers).toEqual({
        oidc: { oidc1: { order: 0, realm: 'oidc1', description: 'Log in with Keycloak' } },
        basic: { basic1: { order: 1 } },
      });
      for (const type of Object.keys(providers))
        for (const provider of Object.values<object>(providers[type]))
          expect(Object.keys(provider).filter((k) => !KIBANA_PROVIDER_SETTINGS.includes(k))).toEqual([]);
    });

    test('role mappings give roles only to users of this realm in the listed groups', () => {
      expect(parts.bootstrap.requests.roleMappings).toEqual({
        'sso-sre': {
          enabled: true,
          roles: ['editor'],
          rules: { all: [{ field: { 'realm.name': 'oidc1' } }, { any: [{ field: { groups: 'sre' } }] }] },
        },
        'sso-everyone': {
          enabled: true,
          roles: ['viewer'],
          rules: {
            all: [
              { field: { 'realm.name': 'oidc1' } },
              { any: [{ field: { groups: 'engineering' } }, { field: { groups: 'sre' } }] },
            ],
          },
        },
      });
    });

    test('the bootstrap Job reads the license from its Secret', () => {
      const job = podOf(files.elasticsearch, 'Job', parts.bootstrap.jobName);
      const sources = job.volumes.find((v) => v.name === 'secrets')!.projected!.sources;
      expect(sources.find((s) => s.secret.name === 'elasticsearch-license')!.secret.items).toEqual([
        { key: 'license.json', path: 'license/license.json' },
      ]);
    });

    test("lets Elasticsearch (every pool) reach the provider's token, JWKS and UserInfo endpoints over HTTPS", () => {
      const policies = files['network-policies'] as Array<
        KubeObject & { spec: { podSelector: { matchLabels: Record<string, string> }; egress?: unknown[] } }
      >;
      const es = policies.find((p) => p.metadata.name === 'elasticsearch')!;
      // No pool label: the policy selects the hot and the warm nodes.
      expect(Object.keys(es.spec.podSelector.matchLabels)).not.toContain('agent-o11y.dev/node-pool');
      const external = (es.spec.egress ?? []).filter((rule) => JSON.stringify(rule).includes('0.0.0.0/0'));
      expect(external).toContainEqual({
        to: [{ ipBlock: { cidr: '0.0.0.0/0' } }],
        ports: [{ port: 443, protocol: 'TCP' }],
      });
    });
  });

  describe('with an existing cluster (examples/byo-elasticsearch)', () => {
    const byo = loadConfig(path.resolve(__dirname, '../../examples/byo-elasticsearch/agent-o11y.yaml'));
    const sso = loadConfig(path.resolve(__dirname, '../../examples/sso/agent-o11y.yaml')).kibana.sso!;
    const config = { ...byo, kibana: { ...byo.kibana, sso } };

    test('renders Kibana’s side and the role mappings; the realm is the cluster owner’s, and so is its license', () => {
      const { files, parts } = synthStack(config);
      expect(files.elasticsearch.filter((o) => o.kind === 'StatefulSet')).toEqual([]);
      const kibana = yaml.load(configMapData(files.kibana, 'kibana', 'kibana.yml')) as Record<string, any>;
      expect(Object.keys(kibana['xpack.security.authc.providers'])).toEqual(['oidc', 'basic']);
      expect(Object.keys(parts.bootstrap.requests.roleMappings)).toEqual(['sso-sre', 'sso-everyone']);
      // No NetworkPolicy of ours selects the cluster's nodes: the provider is for its owner to allow.
      const policies = files['network-policies'];
      expect(policies.find((p) => p.metadata.name === 'elasticsearch')).toBeUndefined();
    });
  });

  const user = (extra: Record<string, unknown> = {}) => ({
    kibana: {
      sso: {
        publicUrl: 'https://kibana.example.com/',
        issuer: 'https://sso.example.com',
        clientId: 'kibana',
        clientSecret: { secretName: 'kibana-oidc', key: 'client-secret' },
        authorizationEndpoint: 'https://sso.example.com/auth',
        tokenEndpoint: 'https://sso.example.com:8443/token',
        jwksUrl: 'https://sso.example.com/certs',
        ...extra,
      },
    },
  });

  test('is refused on the stack’s own cluster without a license, in one line naming the key', () => {
    expect(configProblems(user())).toEqual([
      expect.stringMatching(
        /^\/elasticsearch\/license: kibana.sso needs Elasticsearch's OpenID Connect realm, which Elastic licenses at Platinum or Enterprise/,
      ),
    ]);
    expect(
      configProblems({ ...user(), elasticsearch: { license: { secretName: 'es-license', key: 'l.json' } } }),
    ).toEqual([]);
  });

  test('opens each port the provider’s endpoints name, and strips a trailing slash of publicUrl', () => {
    const config = loadConfig(path.resolve(__dirname, '../../examples/sso/agent-o11y.yaml'));
    const c = {
      ...config,
      kibana: { ...config.kibana, sso: { ...config.kibana.sso!, ...user().kibana.sso, userinfoEndpoint: undefined } },
    };
    delete (c.kibana.sso as Record<string, unknown>).userinfoEndpoint;
    const { files } = synthStack(c);
    const es = (files['network-policies'] as any[]).find((p) => p.metadata.name === 'elasticsearch');
    expect(es.spec.egress).toContainEqual({
      to: [{ ipBlock: { cidr: '0.0.0.0/0' } }],
      ports: [
        { port: 8443, protocol: 'TCP' },
        { port: 443, protocol: 'TCP' },
      ],
    });
    const realm = yaml.load(configMapData(files.elasticsearch, 'elasticsearch', 'elasticsearch.yml')) as any;
    expect(realm[`${REALM}.rp.redirect_uri`]).toBe('https://kibana.example.com/api/security/oidc/callback');
  });

  test('refuses role mappings without a groups claim, and two mappings of one name', () => {
    const license = { elasticsearch: { license: { secretName: 'es-license', key: 'l.json' } } };
    expect(configProblems({ ...user({ roleMappings: [{ groups: ['sre'], roles: ['viewer'] }] }), ...license })).toEqual(
      [expect.stringMatching(/^\/kibana\/sso\/claims\/groups: roleMappings match groups/)],
    );
    expect(
      configProblems({
        ...user({
          claims: { groups: 'groups' },
          roleMappings: [
            { name: 'm', groups: ['a'], roles: ['viewer'] },
            { name: 'm', groups: ['b'], roles: ['editor'] },
          ],
        }),
        ...license,
      }),
    ).toEqual([expect.stringMatching(/^\/kibana\/sso\/roleMappings: each role mapping needs its own name.*got m /)]);
  });

  test('refuses a public URL with a path, which Kibana refuses without a matching server.basePath', () => {
    // Kibana's http_config: publicBaseUrl's path must equal server.basePath (unset: '/').
    const license = { elasticsearch: { license: { secretName: 'es-license', key: 'l.json' } } };
    expect(configProblems({ ...user({ publicUrl: 'https://example.com/kibana' }), ...license })).toEqual([
      expect.stringMatching(
        /^\/kibana\/sso\/publicUrl: Kibana is served at the root .*got https:\/\/example.com\/kibana$/,
      ),
    ]);
    expect(configProblems({ ...user({ publicUrl: 'https://example.com:8443/' }), ...license })).toEqual([]);
  });

  test('fails for a client secret written in the config, and a realm name that is no setting-name word', () => {
    expect(configProblems(user({ clientSecret: 'hunter2' }))).toContainEqual(
      expect.stringMatching(/^\/kibana\/sso\/clientSecret: secrets are references/),
    );
    expect(configProblems(user({ realm: 'my.realm' }))).toContainEqual(
      expect.stringMatching(/^\/kibana\/sso\/realm: must be a string matching/),
    );
  });
});
