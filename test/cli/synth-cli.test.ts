import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { STACK_FILES } from '../../src/lib/names';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * One file per chart: the charts app/stack.ts creates are typed by STACK_FILES. A component off by
 * default (the trace intake, the Prometheus Operator output) has no file, rather than an empty one.
 */
const OFF_BY_DEFAULT: readonly string[] = ['trace-intake', 'prometheus-operator'];
const COMPONENT_FILES = STACK_FILES.filter((component) => !OFF_BY_DEFAULT.includes(component)).map(
  (component) => `${component}.k8s.yaml`,
);

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

let work: string;

/** Runs the app the way `cdk8s synth` does: `node bin/app.js` from the project root, output dir in the env. */
function synth(configFile: string, outdir: string): Run {
  const result = spawnSync(process.execPath, ['bin/app.js'], {
    cwd: ROOT,
    env: { ...process.env, CDK8S_OUTDIR: outdir, AGENT_O11Y_CONFIG: configFile },
    encoding: 'utf8',
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A fresh directory with the config file written into it. */
function workspace(name: string, configText: string): { config: string; dist: string; dir: string } {
  const dir = fs.mkdtempSync(path.join(work, `${name}-`));
  const config = path.join(dir, 'agent-o11y.yaml');
  fs.writeFileSync(config, configText);
  return { config, dist: path.join(dir, 'dist'), dir };
}

/** Every file under `dir` with its content, for before/after comparisons. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) {
      const full = path.join(entry.parentPath, entry.name);
      out[path.relative(dir, full)] = fs.readFileSync(full, 'utf8');
    }
  }
  return out;
}

/** Staging directories synth leaves beside `dist` (`dist.tmp-<pid>`). */
function stagingDirs(dir: string): string[] {
  return fs.readdirSync(dir).filter((name) => name.startsWith('dist.tmp-'));
}

function lines(text: string): string[] {
  return text.replace(/\n$/, '').split('\n');
}

const TWO_MISTAKES = 'common:\n  namespace: Observability\ncollector:\n  replicas: 0\n';

const TWO_MISTAKES_PROBLEMS = [
  '  /common/namespace: must be a DNS-1123 label (lower-case letters, digits and -), got "Observability"',
  '  /collector/replicas: must be >= 1, got 0',
];

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'lib', 'src', 'main.js'))) {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', ROOT], {
      cwd: ROOT,
      stdio: 'inherit',
    });
  }
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-o11y-cli-'));
});

afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

describe('node bin/app.js (the cdk8s app)', () => {
  test('writes one manifest file per component and the plain rule file for a valid config', () => {
    const { config, dist, dir } = workspace('valid', 'profile: production\n');
    const run = synth(config, dist);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(fs.readdirSync(dist).sort()).toEqual([...COMPONENT_FILES, 'rules'].sort());
    expect(fs.readdirSync(path.join(dist, 'rules'))).toEqual(['ms-framework.rules.yaml', 'stack.rules.yaml']);
    expect(stagingDirs(dir)).toEqual([]);
    for (const file of COMPONENT_FILES) {
      const documents = yaml.loadAll(fs.readFileSync(path.join(dist, file), 'utf8')) as Array<{
        apiVersion?: string;
        kind?: string;
      }>;
      expect(documents.length).toBeGreaterThan(0);
      for (const document of documents) {
        expect(document).toEqual(expect.objectContaining({ apiVersion: expect.any(String), kind: expect.any(String) }));
      }
    }
    const rules = yaml.load(fs.readFileSync(path.join(dist, 'rules', 'ms-framework.rules.yaml'), 'utf8')) as {
      groups: unknown[];
    };
    expect(rules.groups.length).toBeGreaterThan(0);
  });

  test('fails with an invalid config: the header and one line per problem on stderr, and no output directory', () => {
    const { config, dist, dir } = workspace('invalid', TWO_MISTAKES);
    const run = synth(config, dist);
    // As the README says: 2 for a bad config when the app runs directly.
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(lines(run.stderr)).toEqual([`invalid stack config (${config}):`, ...TWO_MISTAKES_PROBLEMS]);
    expect(run.stderr).not.toMatch(/^ {4}at /m);
    expect(fs.existsSync(dist)).toBe(false);
    expect(stagingDirs(dir)).toEqual([]);
  });

  test('fails with an invalid config and leaves a complete earlier output untouched', () => {
    const { config, dist, dir } = workspace('keeps-dist', 'profile: staging\n');
    expect(synth(config, dist).status).toBe(0);
    fs.writeFileSync(path.join(dist, 'MARKER'), 'written before the failing run\n');
    const before = tree(dist);

    fs.writeFileSync(config, TWO_MISTAKES);
    const run = synth(config, dist);
    expect(run.status).not.toBe(0);
    expect(tree(dist)).toEqual(before);
    expect(fs.readFileSync(path.join(dist, 'MARKER'), 'utf8')).toBe('written before the failing run\n');
    expect(stagingDirs(dir)).toEqual([]);
  });

  test('fails with a missing config file, naming the file, without a stack trace or an output directory', () => {
    const dir = fs.mkdtempSync(path.join(work, 'missing-'));
    const config = path.join(dir, 'no-such.yaml');
    const run = synth(config, path.join(dir, 'dist'));
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(config);
    expect(run.stderr).not.toMatch(/^ {4}at /m);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  test('fails with invalid YAML, naming the file, without a stack trace or an output directory', () => {
    const { config, dist, dir } = workspace('bad-yaml', 'prometheus:\n  replicas: [1\n');
    const run = synth(config, dist);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(config);
    expect(run.stderr).not.toMatch(/^ {4}at /m);
    expect(fs.existsSync(dist)).toBe(false);
    expect(stagingDirs(dir)).toEqual([]);
  });

  test('fails with a missing config file in one line', () => {
    const dir = fs.mkdtempSync(path.join(work, 'missing-one-line-'));
    const config = path.join(dir, 'no-such.yaml');
    const run = synth(config, path.join(dir, 'dist'));
    expect(run.status).not.toBe(0);
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toContain(config);
  });

  test('fails with invalid YAML in one line', () => {
    const { config, dist } = workspace('bad-yaml-one-line', 'prometheus:\n  replicas: [1\n');
    const run = synth(config, dist);
    expect(run.status).not.toBe(0);
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toContain(config);
  });
});

describe('npx cdk8s synth (the cdk8s CLI)', () => {
  const cli = (config: string, outdir: string) =>
    spawnSync(path.join(ROOT, 'node_modules', '.bin', 'cdk8s'), ['synth', '--output', outdir], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, AGENT_O11Y_CONFIG: config, CDK8S_CHECK_UPGRADE: 'false' },
    });

  test('writes every component file from a valid config', () => {
    const { config, dist } = workspace('cli-valid', 'profile: production\n');
    const run = cli(config, dist);
    expect(run.status).toBe(0);
    expect(Object.keys(tree(dist)).sort()).toEqual(expect.arrayContaining(COMPONENT_FILES));
  });

  test('fails on a bad config with our lines, a non-zero exit and no stack trace', () => {
    const { config, dist } = workspace('cli-invalid', TWO_MISTAKES);
    const run = cli(config, dist);
    // As the README says: 1 through the cdk8s CLI.
    expect(run.status).toBe(1);
    for (const problem of TWO_MISTAKES_PROBLEMS) expect(run.stderr).toContain(problem);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(fs.existsSync(dist)).toBe(false);
  });

  // patches/cdk8s-cli+*.patch: the CLI removed the output directory before running the app, so a
  // refused config left no dist/ at all through the README's command.
  test('leaves the last good output as it was when the config is refused', () => {
    const { config, dist } = workspace('cli-keeps-dist', 'profile: staging\n');
    expect(cli(config, dist).status).toBe(0);
    const before = tree(dist);
    fs.writeFileSync(config, TWO_MISTAKES);
    const run = cli(config, dist);
    expect(run.status).toBe(1);
    expect(tree(dist)).toEqual(before);
  });
});

// patches/cdk8s-cli+*.patch (applied by `npm ci`'s postinstall): the CLI loads jsii-pacmak, ~0.6 s
// of its ~1 s start, only when `cdk8s init` needs it.
describe('the patched cdk8s CLI', () => {
  const CLI = path.join(ROOT, 'node_modules', 'cdk8s-cli');
  const modulesLoadedBy = (args: string[]): string[] => {
    const probe = `process.on('exit', () => process.stderr.write('\\nLOADED ' + JSON.stringify(Object.keys(require.cache)) + '\\n'));`;
    const run = spawnSync(
      process.execPath,
      [
        '-e',
        `${probe} process.argv.splice(1, 0, 'cdk8s'); require(${JSON.stringify(path.join(CLI, 'lib', 'cli'))});`,
        '--',
        ...args,
      ],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
      },
    );
    expect(run.status).toBe(0);
    return JSON.parse(/^LOADED (.*)$/m.exec(run.stderr)![1]!) as string[];
  };

  test("asks for an upgrade quietly: no stack trace and no 'new version undefined' when the registry cannot answer", () => {
    // A package the registry does not have stands for a registry that cannot be reached.
    const upgrades = path.join(CLI, 'lib', 'upgrades.js');
    const cacheFile = path.join(fs.mkdtempSync(path.join(work, 'upgrade-')), 'version');
    const script = `const u = require(${JSON.stringify(upgrades)}); process.stdout.write(JSON.stringify(u.getLatestVersion('agent-o11y-no-such-package-${process.pid}', { cacheFile: ${JSON.stringify(cacheFile)}, cacheTtlSec: 0 }) ?? null));`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect([run.status, run.stdout, run.stderr]).toEqual([0, 'null', '']);
    // And the plain command, the upgrade check on, prints no trace either.
    const { config, dist } = workspace('cli-upgrade-check', 'profile: dev\n');
    const synth = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'cdk8s'), ['synth', '--output', dist], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, AGENT_O11Y_CONFIG: config, HOME: path.dirname(cacheFile), CDK8S_CHECK_UPGRADE: 'true' },
    });
    expect(synth.status).toBe(0);
    expect(synth.stderr).not.toMatch(/^\s+at |version undefined/m);
  });

  test('does not load jsii-pacmak to print its version', () => {
    const loaded = modulesLoadedBy(['--version']);
    // The CLI loads every command module at start, init.js (the patched one) included.
    expect(loaded).toContain(path.join(CLI, 'lib', 'cli', 'cmds', 'init.js'));
    expect(loaded.filter((file) => file.includes(`${path.sep}jsii-pacmak${path.sep}`))).toEqual([]);
  });

  test('`cdk8s init` still computes its Python and Maven versions with the real jsii-pacmak', () => {
    // Runs init's handler in an empty directory with sscaff (which would write the project) replaced
    // by a stub that prints the template variables init computed.
    const dir = fs.mkdtempSync(path.join(work, 'init-'));
    const sscaff = require.resolve('sscaff', { paths: [CLI] });
    const script = `
      require.cache[${JSON.stringify(sscaff)}] = { id: 'sscaff', loaded: true, exports: {
        sscaff: async (_template, _dest, deps) => process.stdout.write(JSON.stringify(deps)),
      } };
      require(${JSON.stringify(path.join(CLI, 'lib', 'cli', 'cmds', 'init.js'))}).handler({ type: 'typescript-app' });`;
    const run = spawnSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8' });
    expect(run.status).toBe(0);
    const deps = JSON.parse(run.stdout) as Record<string, string>;

    const pacmakPath = require.resolve('jsii-pacmak', { paths: [CLI] });
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { TargetName } = require(pacmakPath) as { TargetName: { PYTHON: string; JAVA: string } };
    const { toReleaseVersion } = require(
      require.resolve('jsii-pacmak/lib/targets/version-utils', { paths: [CLI] }),
    ) as {
      toReleaseVersion: (version: string, target: string) => string;
    };
    const cdk8sVersion = (require(require.resolve('cdk8s/package.json', { paths: [CLI] })) as { version: string })
      .version;
    /* eslint-enable @typescript-eslint/no-require-imports */
    expect(deps.cdk8s_core_version).toBe(cdk8sVersion);
    expect(deps.pypi_cdk8s).toBe(`cdk8s~=${toReleaseVersion(cdk8sVersion, TargetName.PYTHON)}`);
    expect(deps.mvn_cdk8s).toBe(toReleaseVersion(cdk8sVersion, TargetName.JAVA));
    expect(deps.jsii_version).toMatch(/^\d+\.\d+\.\d+/);
  });
});
