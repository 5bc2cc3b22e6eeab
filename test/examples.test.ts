import * as fs from 'fs';
import * as path from 'path';
import { loadConfig } from '../src/config/loader';
import { synthStack } from './helpers';

// promtool, amtool, otelcol, jaeger and checkov read every example's configs with the profiles'
// (test/validate/real-tools.test.ts and the others walk ALL_CONFIGS); here, what an example is for.
const EXAMPLES = path.resolve(__dirname, '..', 'examples');

describe.each(fs.readdirSync(EXAMPLES).sort())('examples/%s/agent-o11y.yaml', (platform) => {
  const config = loadConfig(path.join(EXAMPLES, platform, 'agent-o11y.yaml'));
  const { parts } = synthStack(config);

  test('monitors its platform with its alert pack and the stack pack', () => {
    expect(config.platforms).toEqual([platform]);
    expect(Object.keys(parts.ruleFiles).sort()).toEqual([`${platform}.rules.yaml`, 'stack.rules.yaml'].sort());
  });
});
