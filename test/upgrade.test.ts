import * as fs from 'fs';
import * as path from 'path';
import { inventory, objectKey, schemaKeys, upgradeActions, VersionInventory } from '../app/inventory';
import { PROFILE_CONFIGS, allObjects } from './helpers';
import schema from '../src/config/schema.json';

// What the current version asks of a user upgrading from the last released one must be in the
// CHANGELOG's upgrade notes for this version (docs/upgrading.md says how a version is released).
const ROOT = path.resolve(__dirname, '..');
const version: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
const changelog = fs.readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8');

const semver = (v: string) => v.split('.').map(Number);
const older = (a: string, b: string) => {
  const [x, y] = [semver(a), semver(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! < y[i]!;
  return false;
};

/** The inventories committed at each release, oldest first. */
const released: VersionInventory[] = fs
  .readdirSync(path.join(ROOT, 'docs', 'upgrading'))
  .filter((f) => /^v[0-9.]+\.inventory\.json$/.test(f))
  .map((f) => JSON.parse(fs.readFileSync(path.join(ROOT, 'docs', 'upgrading', f), 'utf8')) as VersionInventory)
  .sort((a, b) => (older(a.version, b.version) ? -1 : 1));

const current: VersionInventory = {
  version,
  profiles: Object.fromEntries(Object.entries(PROFILE_CONFIGS).map(([p, c]) => [p, inventory(allObjects(c))])),
  configKeys: schemaKeys(schema),
};

/** The CHANGELOG section `## [<v>]`, up to the next `## `. */
function section(v: string): string | undefined {
  const start = changelog.indexOf(`## [${v}]`);
  if (start < 0) return undefined;
  const end = changelog.indexOf('\n## ', start + 1);
  return changelog.slice(start, end < 0 ? undefined : end);
}

test('the CHANGELOG has a section for the current version and for every released one', () => {
  expect(section(version)).toBeDefined();
  for (const r of released) expect(section(r.version)).toBeDefined();
});

test('the upgrade notes name everything the current version asks of a user upgrading from the last release', () => {
  const baseline = [...released].reverse().find((r) => older(r.version, version));
  expect(baseline).toBeDefined();
  const notes = section(version)?.split('### Upgrade notes')[1]?.split('\n### ')[0] ?? '';
  const missing = upgradeActions(baseline!, current)
    .filter((a) => !notes.includes(`\`${a.subject}\``))
    .map((a) => `${a.subject}: ${a.why}`);
  expect(missing).toEqual([]);
});

test('the inventory of a released version is what that version synthesized: the one for this version, if released, matches', () => {
  const same = released.find((r) => r.version === version);
  if (same) expect(same).toEqual(current);
  else expect(released.every((r) => older(r.version, version))).toBe(true);
});

describe('what counts as asking something of a user', () => {
  const deployment = (selector: Record<string, string>, replicas = 1) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'grafana', namespace: 'observability' },
    spec: { replicas, selector: { matchLabels: selector } },
  });
  const statefulSet = (size: string) => ({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'prometheus', namespace: 'observability' },
    spec: {
      replicas: 1,
      serviceName: 'prometheus',
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { resources: { requests: { storage: size } } } }],
    },
  });
  const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bootstrap-1234abcd', namespace: 'o' } };
  const version = (objects: object[], configKeys = ['/a']): VersionInventory => ({
    version: '0',
    profiles: { dev: inventory(objects as never) },
    configKeys,
  });
  const subjects = (a: VersionInventory, b: VersionInventory) => upgradeActions(a, b).map((x) => x.subject);

  test('a changed selector or volume claim is named; replicas and a left-behind ConfigMap are not', () => {
    const before = version([deployment({ app: 'grafana' }), statefulSet('10Gi'), configMap]);
    expect(subjects(before, version([deployment({ app: 'grafana' }, 3), statefulSet('10Gi')]))).toEqual([]);
    expect(subjects(before, version([deployment({ app: 'g' }), statefulSet('20Gi')]))).toEqual([
      'Deployment observability/grafana',
      'StatefulSet observability/prometheus',
    ]);
  });

  test('an object no longer rendered, a custom resource group newly needed and a dropped config key are named', () => {
    const crd = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: 'r', namespace: 'o' },
    };
    expect(subjects(version([deployment({ app: 'grafana' })], ['/a', '/b']), version([crd], ['/a']))).toEqual([
      'Deployment observability/grafana',
      'monitoring.coreos.com',
      '/b',
    ]);
    expect(objectKey(crd)).toBe('PrometheusRule o/r');
  });
});
