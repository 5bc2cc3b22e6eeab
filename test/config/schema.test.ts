import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { DEFAULTS, loadConfig, merge, PROFILES, ProfileName, resolveConfig, StackConfig } from '../../src/config';

const CONFIG_DIR = path.join(__dirname, '..', '..', 'src', 'config');
const SCHEMA_FILE = path.join(CONFIG_DIR, 'schema.json');
const VALIDATOR_FILE = path.join(CONFIG_DIR, 'schema-validate.generated.js');

// eslint-disable-next-line @typescript-eslint/no-require-imports
const genSchema = require('../../scripts/gen-schema.js') as {
  generate(): string;
  generateValidator(schemaText: string): string;
};

const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];

describe('src/config/schema.json', () => {
  test('equals a fresh generation from src/config/types.ts, so types and schema cannot drift', () => {
    expect(fs.readFileSync(SCHEMA_FILE, 'utf8')).toBe(genSchema.generate());
  });

  // The loader validates with code compiled ahead of time from schema.json; it must follow the schema.
  test('has a committed standalone validator compiled from the committed schema', () => {
    const schemaText = fs.readFileSync(SCHEMA_FILE, 'utf8');
    expect(fs.readFileSync(VALIDATOR_FILE, 'utf8')).toBe(genSchema.generateValidator(schemaText));
  });

  test('compiles under ajv strict mode', () => {
    const schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8'));
    expect(() => new Ajv({ allErrors: true, strict: true }).compile(schema)).not.toThrow();
  });
});

describe('built-in configs against the schema', () => {
  const validate = new Ajv({ allErrors: true, strict: true }).compile<StackConfig>(
    JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')),
  );

  test('the built-in defaults validate', () => {
    expect(validate(DEFAULTS) ? [] : validate.errors).toEqual([]);
  });

  test.each(PROFILE_NAMES)('the defaults under the %s profile validate', (profile) => {
    const config = merge(DEFAULTS, { ...PROFILES[profile], profile });
    expect(validate(config) ? [] : validate.errors).toEqual([]);
  });

  test.each(PROFILE_NAMES)('the %s profile resolves without a problem, cross-field checks included', (profile) => {
    expect(resolveConfig({ profile }).profile).toBe(profile);
  });

  test('the example agent-o11y.yaml at the repository root resolves', () => {
    expect(() => loadConfig(path.join(__dirname, '..', '..', 'agent-o11y.yaml'))).not.toThrow();
  });
});
