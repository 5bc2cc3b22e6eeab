/**
 * The rendered Jaeger v2 config of every profile and example is read by the real Jaeger (`jaeger
 * validate`, the judge built from test/judges/jaeger at the deployed image's version) with the
 * environment its pod spec gives it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { ALL_CONFIGS, synthStack } from '../helpers';
import { podEnv, renderedConfig, runJudge } from '../judge';
import { requireTool } from '../tools';

const jaeger = requireTool('jaeger');

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-o11y-jaeger-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function validate(name: string, config: string, env: Record<string, string>): string {
  const file = path.join(dir, `${name.replace(/\W+/g, '-')}.yaml`);
  fs.writeFileSync(file, config);
  return runJudge(jaeger, ['validate', '--config', file], env);
}

describe.each(Object.entries(ALL_CONFIGS))('the Jaeger config of %s', (name, config) => {
  test('is accepted by `jaeger validate` with its pod environment', () => {
    const objects = synthStack(config).files.jaeger;
    validate(name, renderedConfig(objects, 'jaeger'), podEnv(objects, 'jaeger'));
  });
});

describe.each(Object.entries(ALL_CONFIGS).filter(([, c]) => c.traceIntake.enabled))(
  'the trace intake config of %s',
  (name, config) => {
    test('is accepted by `jaeger validate` (the intake runs the Jaeger binary)', () => {
      const objects = synthStack(config).files['trace-intake'];
      validate(`intake-${name}`, renderedConfig(objects, 'trace-intake'), podEnv(objects, 'trace-intake'));
    });
  },
);

test('`jaeger validate` rejects a misspelt key, naming it (the judge judges)', () => {
  const objects = synthStack(ALL_CONFIGS.dev).files.jaeger;
  const broken = yaml.load(renderedConfig(objects, 'jaeger')) as {
    extensions: { jaeger_storage: { backends: Record<string, Record<string, Record<string, unknown>>> } };
  };
  broken.extensions.jaeger_storage.backends.elasticsearch!.elasticsearch!.server_url = ['https://typo'];
  expect(() => validate('broken', yaml.dump(broken), podEnv(objects, 'jaeger'))).toThrow(/server_url/);
});
