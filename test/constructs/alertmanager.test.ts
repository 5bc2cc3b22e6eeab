import * as yaml from 'js-yaml';
import { resolveConfig } from '../../src/config/loader';
import { configMapData, find, PROFILE_CONFIGS, synthStack } from '../helpers';
import { podSpec } from './snapshot';

describe('Alertmanager', () => {
  const { files } = synthStack(PROFILE_CONFIGS.dev);
  const rendered = configMapData(files.alertmanager, 'alertmanager', 'alertmanager.yml');

  test('reads every credential from a mounted Secret file, never a literal', () => {
    const config = yaml.load(rendered) as { receivers: Array<Record<string, Array<Record<string, unknown>>>> };
    const fileKeys = config.receivers
      .flatMap((r) =>
        Object.entries(r)
          .filter(([k]) => k.endsWith('_configs'))
          .flatMap(([, v]) => v),
      )
      .flatMap((integration) => Object.keys(integration).filter((k) => /url|key|password/.test(k)));
    expect(fileKeys.length).toBeGreaterThan(0);
    for (const key of fileKeys) expect(key).toMatch(/_file$/);
    const mounts = podSpec(find(files.alertmanager, 'StatefulSet', 'alertmanager')).containers[0].volumeMounts.map(
      (m: any) => m.mountPath,
    );
    for (const path of rendered.match(/\/etc\/alertmanager\/secrets\/[^\s/]+/g)!) expect(mounts).toContain(path);
  });

  test('uses matchers, never the deprecated match', () => {
    expect(rendered).toContain('matchers:');
    expect(rendered).not.toMatch(/\bmatch(_re)?:/);
    expect(rendered).toContain('source_matchers:');
  });

  test('forms a gossip cluster with 3 replicas', () => {
    const prod = synthStack(PROFILE_CONFIGS.production).files;
    const args = podSpec(find(prod.alertmanager, 'StatefulSet', 'alertmanager')).containers[0].args as string[];
    expect(args.filter((a) => a.startsWith('--cluster.peer='))).toHaveLength(3);
    expect(find(prod.alertmanager, 'PodDisruptionBudget', 'alertmanager')).toBeDefined();
  });

  test("a stack with 2 replicas fails with the construct's own rule", () => {
    const dev = resolveConfig({});
    expect(() => synthStack({ ...dev, alertmanager: { ...dev.alertmanager, replicas: 2 } })).toThrow(
      '/alertmanager/replicas: 2 peers cannot keep quorum, use 1 or 3 and more, got 2',
    );
  });
});
