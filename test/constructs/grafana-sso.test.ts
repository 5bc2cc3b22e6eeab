import * as path from 'path';
import { loadConfig } from '../../src/config/loader';
import { configMapData, configProblems, find, KubeObject, PROFILE_CONFIGS, synthStack } from '../helpers';

/**
 * No Grafana binary runs here, so the keys are held to Grafana's own list: every key of
 * `[auth.generic_oauth]` in conf/defaults.ini of grafana/grafana v12.4 that the stack sets, as
 * documented in "Configure generic OAuth authentication"
 * (https://grafana.com/docs/grafana/v12.4/setup-grafana/configure-security/configure-authentication/generic-oauth/),
 * and `[server] root_url`, `[users] auto_assign_org_role`.
 */
const GRAFANA_KEYS: Record<string, readonly string[]> = {
  'auth.generic_oauth': [
    'enabled',
    'name',
    'allow_sign_up',
    'client_id',
    'client_secret',
    'scopes',
    'auth_url',
    'token_url',
    'api_url',
    'use_pkce',
    'role_attribute_path',
    'role_attribute_strict',
    'allow_assign_grafana_admin',
    'skip_org_role_sync',
  ],
  users: ['auto_assign_org_role'],
};

/** grafana.ini as sections of keys (Grafana reads it with go-ini: `key = value`, `[section]`). */
function parseIni(text: string): Record<string, Record<string, string>> {
  const sections: Record<string, Record<string, string>> = {};
  let current = '';
  for (const line of text.split('\n').filter((l) => l.trim() !== '')) {
    const header = /^\[(.+)\]$/.exec(line);
    if (header) current = header[1]!;
    else {
      const [key, ...value] = line.split(' = ');
      (sections[current] ??= {})[key!] = value.join(' = ');
    }
  }
  return sections;
}

/** Grafana's environment override: GF_<SECTION>_<KEY>, upper case, `.` and `-` as `_`. */
function envName(section: string, key: string): string {
  return `GF_${section}_${key}`.toUpperCase().replace(/[.-]/g, '_');
}

type Pod = {
  containers: Array<{
    env: Array<{ name: string; value?: string }>;
    volumeMounts: Array<{ name: string; mountPath: string }>;
  }>;
  volumes: Array<{ name: string; secret?: { secretName: string; items: Array<{ key: string; path: string }> } }>;
};
const podOf = (objects: KubeObject[]) =>
  (find(objects, 'Deployment', 'grafana') as unknown as { spec: { template: { spec: Pod } } }).spec.template.spec;

describe('Grafana single sign-on', () => {
  test('is off by default: no OAuth section and no client secret mounted', () => {
    const objects = synthStack(PROFILE_CONFIGS.production).files.grafana;
    const ini = parseIni(configMapData(objects, 'grafana', 'grafana.ini'));
    expect(ini['auth.generic_oauth']).toBeUndefined();
    expect(podOf(objects).volumes.map((v) => v.name)).not.toContain('oauth');
  });

  describe('examples/sso', () => {
    const config = loadConfig(path.resolve(__dirname, '../../examples/sso/agent-o11y.yaml'));
    const sso = config.grafana.sso!;
    const objects = synthStack(config).files.grafana;
    const ini = parseIni(configMapData(objects, 'grafana', 'grafana.ini'));
    const pod = podOf(objects);

    test("sets only keys Grafana's generic OAuth has", () => {
      for (const section of Object.keys(GRAFANA_KEYS)) {
        expect(Object.keys(ini[section]!).filter((k) => !GRAFANA_KEYS[section]!.includes(k))).toEqual([]);
      }
    });

    test('signs people in with PKCE at the provider, as Viewers unless the role path says more, and never as server admins', () => {
      expect(ini['auth.generic_oauth']).toMatchObject({
        enabled: 'true',
        client_id: 'grafana',
        auth_url: sso.authUrl,
        token_url: sso.tokenUrl,
        api_url: sso.userInfoUrl,
        scopes: 'openid email profile groups',
        use_pkce: 'true',
        role_attribute_path: "contains(groups[*], 'sre') && 'Editor' || 'Viewer'",
        role_attribute_strict: 'false',
        allow_assign_grafana_admin: 'false',
      });
      expect(ini.users).toEqual({ auto_assign_org_role: 'Viewer' });
      expect(ini.server!.root_url).toBe('https://grafana.example.com/');
    });

    test('reads the client secret from its Secret as a file, named by the variable Grafana maps to client_secret', () => {
      expect(ini['auth.generic_oauth']!.client_secret).toBeUndefined();
      const env = pod.containers[0]!.env.find(
        (e) => e.name === `${envName('auth.generic_oauth', 'client_secret')}__FILE`,
      );
      expect(env?.value).toBe(`/etc/grafana/oauth/${sso.clientSecret.key}`);
      const mount = pod.containers[0]!.volumeMounts.find((m) => m.mountPath === '/etc/grafana/oauth')!;
      expect(pod.volumes.find((v) => v.name === mount.name)!.secret).toMatchObject({
        secretName: 'grafana-oidc',
        items: [{ key: 'client-secret', path: 'client-secret' }],
      });
    });

    test("lets Grafana reach the provider's token and UserInfo endpoints over HTTPS, and nothing more", () => {
      const policies = synthStack(config).files['network-policies'] as Array<
        KubeObject & { spec: { egress?: Array<Record<string, unknown>> } }
      >;
      const grafana = policies.find((p) => p.metadata.name === 'grafana')!;
      const external = (grafana.spec.egress ?? []).filter((rule) => JSON.stringify(rule).includes('ipBlock'));
      expect(external).toEqual([{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443, protocol: 'TCP' }] }]);
    });
  });

  test('fails for a provider URL that is not HTTPS', () => {
    const problems = configProblems({
      grafana: {
        sso: {
          rootUrl: 'https://grafana.example.com',
          clientId: 'grafana',
          clientSecret: { secretName: 'grafana-oidc', key: 'client-secret' },
          authUrl: 'http://sso.example.com/auth',
          tokenUrl: 'https://sso.example.com/token',
          userInfoUrl: 'https://sso.example.com/userinfo',
        },
      },
    });
    expect(problems).toEqual([expect.stringMatching(/^\/grafana\/sso\/authUrl: must be a string matching/)]);
  });

  test('fails for a client secret written in the config', () => {
    const problems = configProblems({
      grafana: {
        sso: {
          rootUrl: 'https://grafana.example.com',
          clientId: 'grafana',
          clientSecret: 'hunter2',
          authUrl: 'https://sso.example.com/auth',
          tokenUrl: 'https://sso.example.com/token',
          userInfoUrl: 'https://sso.example.com/userinfo',
        },
      },
    });
    expect(problems).toEqual([expect.stringMatching(/^\/grafana\/sso\/clientSecret: secrets are references/)]);
  });
});
