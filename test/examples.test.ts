import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { loadConfig } from '../src/config/loader';
import { configMapData, synthStack } from './helpers';
import { placeTlsFiles, writeTestCertificates } from './tls-fixture';
import { requireTool } from './tools';

const EXAMPLES = path.resolve(__dirname, '..', 'examples');
const promtool = requireTool('promtool');
const amtool = requireTool('amtool');

describe.each(fs.readdirSync(EXAMPLES).sort())('examples/%s/agent-o11y.yaml', (platform) => {
  const config = loadConfig(path.join(EXAMPLES, platform, 'agent-o11y.yaml'));
  const { files, parts } = synthStack(config);
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `example-${platform}-`));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('monitors its platform with its alert pack and the stack pack', () => {
    expect(config.platforms).toEqual([platform]);
    expect(Object.keys(parts.ruleFiles).sort()).toEqual([`${platform}.rules.yaml`, 'stack.rules.yaml'].sort());
  });

  (promtool ? test : test.skip)('its prometheus.yml and rule files pass promtool check config', () => {
    // Only the rule file directory changes (and, below, certificate paths): outside the pod the rules live in a temp dir.
    const rulesDir = path.join(dir, 'rules');
    fs.mkdirSync(rulesDir);
    for (const [file, content] of Object.entries(parts.ruleFiles)) fs.writeFileSync(path.join(rulesDir, file), content);
    const prometheusYml = yaml.load(configMapData(files.prometheus, 'prometheus', 'prometheus.yml')) as { rule_files: string[] };
    prometheusYml.rule_files = [path.join(rulesDir, '*.rules.yaml')];
    // And the certificate paths: test certificates stand in for the pod's Secret.
    const tlsDir = path.join(dir, 'tls');
    writeTestCertificates(tlsDir, [parts.prometheus.host]);
    fs.writeFileSync(path.join(dir, 'prometheus.yml'), placeTlsFiles(yaml.dump(prometheusYml), tlsDir));
    expect(execFileSync(promtool!, ['check', 'config', path.join(dir, 'prometheus.yml')], { encoding: 'utf8', stdio: 'pipe' })).toContain('SUCCESS');
  });

  (amtool ? test : test.skip)('its alertmanager.yml passes amtool check-config', () => {
    fs.writeFileSync(path.join(dir, 'alertmanager.yml'), configMapData(files.alertmanager, 'alertmanager', 'alertmanager.yml'));
    expect(execFileSync(amtool!, ['check-config', path.join(dir, 'alertmanager.yml')], { encoding: 'utf8', stdio: 'pipe' })).toContain('SUCCESS');
  });
});
