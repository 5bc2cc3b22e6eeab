import type { estypes } from '@elastic/elasticsearch';
import type { KibanaSsoConfig, SecretKeyRef } from '../src/config/types';
import type { ElasticsearchSettings, KibanaSettings, OidcRealmSetting } from './elastic-settings';

/**
 * Kibana single sign-on through an OpenID Connect realm of Elasticsearch, as three pieces rendered
 * from one `kibana.sso`: the realm (elasticsearch.yml, its client secret in the keystore), Kibana's
 * `oidc` provider beside `basic` (kibana.yml), and the role mappings (the bootstrap Job's requests).
 */

/** The realm's name unless `kibana.sso.realm` says otherwise. */
export const DEFAULT_REALM = 'oidc1';
/** The scopes Elasticsearch asks the provider for unless `kibana.sso.scopes` says otherwise. */
export const DEFAULT_KIBANA_SSO_SCOPES = ['openid', 'email', 'profile'];
/** Where Kibana receives the provider's answer (Kibana's OIDC provider route). */
export const OIDC_CALLBACK_PATH = '/api/security/oidc/callback';
/** Where the provider sends the browser back after logging out. */
export const LOGGED_OUT_PATH = '/security/logged_out';

export const realmName = (sso: KibanaSsoConfig): string => sso.realm ?? DEFAULT_REALM;

/** `publicUrl` without a trailing `/`. */
const base = (sso: KibanaSsoConfig): string => sso.publicUrl.replace(/\/+$/, '');

/** The keystore setting holding the realm's client secret. */
export function clientSecretSetting(sso: KibanaSsoConfig): `xpack.security.authc.realms.oidc.${string}` {
  return `xpack.security.authc.realms.oidc.${realmName(sso)}.rp.client_secret`;
}

/**
 * The realm's settings for elasticsearch.yml, the same on every node (a realm missing on the node a
 * request lands on fails that request). Order 0 is ahead of the native realm the other users log in
 * with; it authenticates only Kibana's OIDC requests, so the order decides nothing else.
 */
export function oidcRealmSettings(sso: KibanaSsoConfig): Partial<ElasticsearchSettings> {
  const claims = sso.claims ?? {};
  const realm: Partial<Record<OidcRealmSetting, string | number | string[]>> = {
    order: 0,
    'rp.client_id': sso.clientId,
    'rp.response_type': 'code',
    'rp.redirect_uri': `${base(sso)}${OIDC_CALLBACK_PATH}`,
    'rp.requested_scopes': sso.scopes ?? DEFAULT_KIBANA_SSO_SCOPES,
    ...(sso.endSessionEndpoint ? { 'rp.post_logout_redirect_uri': `${base(sso)}${LOGGED_OUT_PATH}` } : {}),
    'op.issuer': sso.issuer,
    'op.authorization_endpoint': sso.authorizationEndpoint,
    'op.token_endpoint': sso.tokenEndpoint,
    'op.jwkset_path': sso.jwksUrl,
    ...(sso.userinfoEndpoint ? { 'op.userinfo_endpoint': sso.userinfoEndpoint } : {}),
    ...(sso.endSessionEndpoint ? { 'op.endsession_endpoint': sso.endSessionEndpoint } : {}),
    'claims.principal': claims.principal ?? 'sub',
    ...(claims.groups ? { 'claims.groups': claims.groups } : {}),
    ...(claims.mail ? { 'claims.mail': claims.mail } : {}),
    ...(claims.name ? { 'claims.name': claims.name } : {}),
  };
  return Object.fromEntries(
    Object.entries(realm).map(([key, value]) => [`xpack.security.authc.realms.oidc.${realmName(sso)}.${key}`, value]),
  );
}

/** kibana.yml: the public URL, and the OIDC provider first with the login form kept second. */
export function kibanaSsoSettings(sso: KibanaSsoConfig): Partial<KibanaSettings> {
  return {
    'server.publicBaseUrl': base(sso),
    'xpack.security.authc.providers': {
      oidc: {
        [realmName(sso)]: {
          order: 0,
          realm: realmName(sso),
          description: sso.description ?? 'Log in with single sign-on',
        },
      },
      // The break-glass `elastic` user (and any native user) still logs in with a password.
      basic: { basic1: { order: 1 } },
    },
  };
}

/** A role mapping's body (its name is the path). */
export type RoleMappingBody = Omit<estypes.SecurityPutRoleMappingRequest, 'name'>;

/**
 * The role mappings of the realm's users, by name: each gives its roles to a user of this realm in any
 * of its groups. None by default: a user with no role cannot use Kibana.
 */
export function roleMappings(sso: KibanaSsoConfig): Record<string, RoleMappingBody> {
  const realm = realmName(sso);
  return Object.fromEntries(
    (sso.roleMappings ?? []).map((mapping, i) => [
      mapping.name ?? `${realm}-${i}`,
      {
        enabled: true,
        roles: [...mapping.roles],
        rules: {
          all: [{ field: { 'realm.name': realm } }, { any: mapping.groups.map((g) => ({ field: { groups: g } })) }],
        },
      },
    ]),
  );
}

/** The provider's endpoints Elasticsearch calls (the browser, not Elasticsearch, visits the authorization one). */
export function providerCalls(sso: KibanaSsoConfig): string[] {
  return [sso.tokenEndpoint, sso.jwksUrl, ...(sso.userinfoEndpoint ? [sso.userinfoEndpoint] : [])];
}

/** `kibana.sso`'s own rules (paths under /kibana/sso). */
export function kibanaSsoProblems(sso: KibanaSsoConfig): string[] {
  const problems: string[] = [];
  // Kibana refuses a public URL whose path is not its server.basePath, and it is served at the root.
  const url = new URL(sso.publicUrl);
  if (url.pathname.replace(/\/+$/, '') !== '' || url.search !== '')
    problems.push(
      `/kibana/sso/publicUrl: Kibana is served at the root (no server.basePath), so its public URL is a scheme, host and port only, got ${sso.publicUrl}`,
    );
  const names = (sso.roleMappings ?? []).map((m, i) => m.name ?? `${realmName(sso)}-${i}`);
  const repeated = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
  if (repeated.length > 0)
    problems.push(
      `/kibana/sso/roleMappings: each role mapping needs its own name (one would replace the other), got ${repeated.join(', ')} more than once`,
    );
  if ((sso.roleMappings ?? []).length > 0 && !sso.claims?.groups)
    problems.push(
      "/kibana/sso/claims/groups: roleMappings match groups, so the claim listing a user's groups must be named (e.g. groups), got none",
    );
  return problems;
}

/**
 * An OIDC realm without a Platinum or Enterprise license is skipped: the cluster starts, and nobody
 * can sign in to Kibana through it. For any cluster whose nodes the stack configures (its own, ECK's).
 */
export function ssoLicenseProblems(sso: KibanaSsoConfig | undefined, license: SecretKeyRef | undefined): string[] {
  return sso && !license
    ? [
        "/elasticsearch/license: kibana.sso needs Elasticsearch's OpenID Connect realm, which Elastic licenses at Platinum or Enterprise (the basic license skips the realm and nobody could sign in); give the license file's Secret, got none",
      ]
    : [];
}
