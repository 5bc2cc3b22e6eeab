import { App, Chart } from 'cdk8s';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Alertmanager } from '../../constructs/alertmanager';
import { Pki } from '../../constructs/mtls';
import { ConfigError, resolveConfig } from '../../src/config/loader';
import { PROFILE_CONFIGS } from '../helpers';

/**
 * A program using the constructs directly, not the config loader, gets the same rules when it
 * synthesizes: the constructs validate their own config with the functions the loader reports from.
 */
describe('constructs validate their own config', () => {
  let outdir: string;
  beforeEach(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-o11y-validation-'));
  });
  afterEach(() => fs.rmSync(outdir, { recursive: true, force: true }));

  const alertmanagerApp = (config: typeof PROFILE_CONFIGS.dev.alertmanager) => {
    const app = new App({ outdir });
    const chart = new Chart(app, 'monitoring', { namespace: 'observability' });
    new Alertmanager(chart, 'Alertmanager', {
      config,
      common: PROFILE_CONFIGS.dev.common,
      pki: new Pki(chart, 'Pki', { namespace: 'observability' }),
    });
    return app;
  };

  test('fails at synth with the one-line messages the loader gives for a config file', () => {
    const config = {
      ...PROFILE_CONFIGS.dev.alertmanager,
      replicas: 2,
      route: { ...PROFILE_CONFIGS.dev.alertmanager.route, repeatInterval: '0s' },
    };
    const fromLoader = (() => {
      try {
        resolveConfig({ alertmanager: { replicas: 2, route: { repeatInterval: '0s' } } });
        return [];
      } catch (e) {
        return (e as ConfigError).problems;
      }
    })();
    expect(fromLoader).toEqual([
      '/alertmanager/replicas: 2 peers cannot keep quorum, use 1 or 3 and more, got 2',
      '/alertmanager/route/repeatInterval: must be longer than 0 (Alertmanager refuses 0), got "0s"',
    ]);
    expect(() => alertmanagerApp(config).synth()).toThrow(
      `Validation failed with the following errors:\n  ${fromLoader.map((p) => `[monitoring/Alertmanager] ${p}`).join('\n  ')}`,
    );
  });

  test('synthesizes a valid config', () => {
    expect(() => alertmanagerApp(PROFILE_CONFIGS.dev.alertmanager).synth()).not.toThrow();
  });
});
