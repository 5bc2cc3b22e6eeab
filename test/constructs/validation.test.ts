import { App, Chart } from 'cdk8s';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Alertmanager } from '../../constructs/alertmanager';
import { Pki } from '../../constructs/mtls';
import { configProblems, PROFILE_CONFIGS } from '../helpers';

/**
 * The constructs own the rules between their settings: a program using them directly gets the same
 * one-line problems at synth as `cdk8s synth` reports for a config file (buildStack collects them).
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

  test('fails at synth with the one-line messages synth gives for a config file', () => {
    const config = {
      ...PROFILE_CONFIGS.dev.alertmanager,
      replicas: 2,
      route: { ...PROFILE_CONFIGS.dev.alertmanager.route, repeatInterval: '0s' },
    };
    const fromFile = configProblems({ alertmanager: { replicas: 2, route: { repeatInterval: '0s' } } });
    expect(fromFile).toEqual([
      '/alertmanager/replicas: 2 peers cannot keep quorum, use 1 or 3 and more, got 2',
      '/alertmanager/route/repeatInterval: must be longer than 0 (Alertmanager refuses 0), got "0s"',
    ]);
    expect(() => alertmanagerApp(config).synth()).toThrow(
      `Validation failed with the following errors:\n  ${fromFile.map((p) => `[monitoring/Alertmanager] ${p}`).join('\n  ')}`,
    );
  });

  test('synthesizes a valid config', () => {
    expect(() => alertmanagerApp(PROFILE_CONFIGS.dev.alertmanager).synth()).not.toThrow();
  });
});
