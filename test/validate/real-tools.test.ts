import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { ALL_CONFIGS, configMapData, synthStack } from '../helpers';
import { placeTlsFiles, writeTestCertificates } from '../tls-fixture';
import { SERVICE_ACCOUNT_DIR } from '../../constructs/prometheus-config';
import { requireTool } from '../tools';
import { operatorAlertmanagerYml, operatorRuleFiles } from '../operator-judge';

const promtool = requireTool('promtool');
const amtool = requireTool('amtool');

function run(tool: string, args: string[]): string {
  try {
    return execFileSync(tool, args, { encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    throw new Error(`${path.basename(tool)} ${args.join(' ')} failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`, {
      cause: e,
    });
  }
}

describe.each(Object.keys(ALL_CONFIGS))('the %s config', (profile) => {
  const { files, parts } = synthStack(ALL_CONFIGS[profile]!);
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `agent-o11y-${profile.replace(/\W+/g, '-')}-`));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  // With the Prometheus Operator there is no prometheus.yml or alertmanager.yml of ours: the tools read
  // the PrometheusRules' groups and the alertmanager.yml the operator generates (test/operator-judge.ts).
  const prometheus = parts.prometheus;
  if (prometheus)
    test('prometheus.yml and its rule files pass promtool check config', () => {
      // Only the rule file directory changes (and, below, certificate paths): outside the pod the rules live in a temp dir.
      const rulesDir = path.join(dir, 'rules');
      fs.mkdirSync(rulesDir);
      for (const [file, content] of Object.entries(parts.ruleFiles))
        fs.writeFileSync(path.join(rulesDir, file), content);
      const rendered = configMapData(files.prometheus, 'prometheus', 'prometheus.yml');
      const config = yaml.load(rendered) as { rule_files: string[] };
      expect(config.rule_files).toEqual(['/etc/prometheus/rules/*.rules.yaml']);
      config.rule_files = [path.join(rulesDir, '*.rules.yaml')];
      // And the certificate paths: test certificates stand in for the pod's Secret.
      const tlsDir = path.join(dir, 'tls');
      writeTestCertificates(tlsDir, [prometheus.host]);
      // And the pod's ServiceAccount files, which the kubelet jobs present: a stand-in token and the test CA.
      const serviceAccountDir = path.join(dir, 'serviceaccount');
      fs.mkdirSync(serviceAccountDir);
      fs.writeFileSync(path.join(serviceAccountDir, 'token'), 'stand-in-token');
      fs.copyFileSync(path.join(tlsDir, 'ca.crt'), path.join(serviceAccountDir, 'ca.crt'));
      const file = path.join(dir, 'prometheus.yml');
      fs.writeFileSync(
        file,
        placeTlsFiles(yaml.dump(config), tlsDir).split(`${SERVICE_ACCOUNT_DIR}/`).join(`${serviceAccountDir}/`),
      );
      const out = run(promtool, ['check', 'config', file]);
      expect(out).toContain('SUCCESS');
      expect(out).toMatch(/SUCCESS: \d+ rules found/);
    });
  else
    test("the PrometheusRules' groups pass promtool check rules", () => {
      const rules = operatorRuleFiles(files['prometheus-operator']);
      expect(Object.keys(rules).length).toBeGreaterThan(0);
      for (const [file, content] of Object.entries(rules)) {
        const target = path.join(dir, `operator-${file}`);
        fs.writeFileSync(target, content);
        expect(run(promtool, ['check', 'rules', target])).toContain('SUCCESS');
      }
    });

  test('every rule file passes promtool check rules', () => {
    for (const [file, content] of Object.entries(parts.ruleFiles)) {
      const target = path.join(dir, `check-${file}`);
      fs.writeFileSync(target, content);
      expect(run(promtool, ['check', 'rules', target])).toContain('SUCCESS');
    }
  });

  // Ours, or the release's with the stack's AlertmanagerConfig merged in as the operator merges it.
  const alertmanagerYml = () =>
    parts.alertmanager
      ? configMapData(files.alertmanager, 'alertmanager', 'alertmanager.yml')
      : operatorAlertmanagerYml(files['prometheus-operator'], ALL_CONFIGS[profile]!, 'None');

  test('alertmanager.yml passes amtool check-config', () => {
    const file = path.join(dir, 'alertmanager.yml');
    fs.writeFileSync(file, alertmanagerYml());
    const out = run(amtool, ['check-config', file]);
    expect(out).toContain('SUCCESS');
    expect(out).toMatch(/receivers/);
  });

  test('every Slack title and text renders with amtool, with no runbook line for an alert that links none', () => {
    const config = yaml.load(alertmanagerYml()) as {
      receivers: Array<{ slack_configs?: Array<{ title: string; text: string }> }>;
    };
    const glob = path.join(dir, 'none.tmpl');
    fs.writeFileSync(glob, '');
    for (const slack of config.receivers.flatMap((r) => r.slack_configs ?? [])) {
      for (const template of [slack.title, slack.text]) {
        // amtool's example alerts carry no annotations, as alerts without alerts.runbookBaseUrl carry no runbook_url.
        expect(
          run(amtool, ['template', 'render', `--template.glob=${glob}`, `--template.text=${template}`]),
        ).not.toContain('Runbook');
      }
    }
  });
});
