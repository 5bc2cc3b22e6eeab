import { execFile } from 'child_process';
import { Yaml } from 'cdk8s';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import * as yaml from 'js-yaml';
import { ALL_CONFIGS, KubeObject, synthStack } from '../helpers';
import { requireTool } from '../tools';

const checkov = requireTool('checkov');

/** A check the manifests do not pass, with why: everywhere, or only on the objects named `<Kind>/<name>`. */
interface Skip {
  check: string;
  title: string;
  only?: string[];
  why: string;
}

/** The one list of skips, as test/validate/checkov-skips.yaml gives it. */
const SKIPS = yaml.load(fs.readFileSync(path.join(__dirname, 'checkov-skips.yaml'), 'utf8')) as Skip[];
const GLOBAL_SKIPS = SKIPS.filter((s) => s.only === undefined).map((s) => s.check);

/** A failed check as checkov reports it. */
interface CheckovFailure {
  check_id: string;
  check_name: string;
  /** `<Kind>.<namespace>.<name>` */
  resource: string;
  /** `/<config dir>/<chart>.k8s.yaml`, relative to the scanned directory. */
  file_path: string;
}

interface CheckovReport {
  summary: { passed: number; failed: number; skipped: number; parsing_errors: number; resource_count: number };
  /** With --quiet, only the failed checks are listed; the summary still counts the skipped ones. */
  results?: { failed_checks: CheckovFailure[] };
}

/** A config's directory name: its name with path separators replaced. */
const dirOf = (config: string) => config.replace(/[^A-Za-z0-9._-]/g, '_');
const CONFIG_OF_DIR = new Map(Object.keys(ALL_CONFIGS).map((c) => [dirOf(c), c]));

/** Where a failure is: the config whose manifests it is in, and the object as `<Kind>/<name>`. */
function locate(f: CheckovFailure): { config: string; object: string; file: string } {
  const [, dir = '', file = ''] = f.file_path.split('/');
  const kind = f.resource.slice(0, f.resource.indexOf('.'));
  const namespaced = f.resource.slice(kind.length + 1);
  // A namespace is a DNS label (no dots), so the name is everything after the first dot.
  return {
    config: CONFIG_OF_DIR.get(dir) ?? dir,
    object: `${kind}/${namespaced.slice(namespaced.indexOf('.') + 1)}`,
    file,
  };
}

/** One line per failure: check, title, object and file, as a reviewer needs to find it. */
const describeFailure = (f: CheckovFailure) => {
  const where = locate(f);
  return `${f.check_id} (${f.check_name}): ${f.resource} in ${where.config}/${where.file}`;
};

const WORKLOADS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'];

/** The images of a workload's pod template (a CronJob's through its Job template). */
function podImages(o: KubeObject): string[] {
  type Pod = { containers?: Array<{ image: string }>; initContainers?: Array<{ image: string }> };
  const spec = o.spec as { template?: { spec: Pod }; jobTemplate?: { spec: { template: { spec: Pod } } } };
  const pod = spec.template?.spec ?? spec.jobTemplate?.spec.template.spec;
  return [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])].map((c) => c.image);
}

/**
 * Writes every config's manifests like dist/ (one `<chart>.k8s.yaml` per chart, cdk8s' YAML) into
 * `<root>/<config>/`; with `annotate`, the skips scoped to objects become checkov.io/skip annotations.
 */
function writeManifests(root: string, annotate: boolean): void {
  for (const [config, stack] of Object.entries(ALL_CONFIGS)) {
    const dir = path.join(root, dirOf(config));
    fs.mkdirSync(dir, { recursive: true });
    for (const [chart, objects] of Object.entries(synthStack(stack).files)) {
      if (annotate) objects.forEach(skipAnnotations);
      fs.writeFileSync(path.join(dir, `${chart}.k8s.yaml`), Yaml.stringify(...objects));
    }
  }
}

function skipAnnotations(o: KubeObject): void {
  const scoped = SKIPS.filter((s) => s.only?.includes(`${o.kind}/${o.metadata.name}`));
  scoped.forEach((s, i) => {
    o.metadata.annotations = { ...o.metadata.annotations, [`checkov.io/skip${i + 1}`]: `${s.check}=${s.why}` };
  });
}

async function scan(dir: string, args: string[]): Promise<CheckovReport> {
  const { stdout } = await promisify(execFile)(
    checkov,
    [
      '--framework',
      'kubernetes',
      '-d',
      '.',
      '--quiet',
      '--compact',
      '-o',
      'json',
      '--soft-fail',
      '--skip-download',
      ...args,
    ],
    { cwd: dir, maxBuffer: 256 * 1024 * 1024 },
  );
  // One framework: one report; with nothing to report, checkov prints only the summary.
  const parsed = JSON.parse(stdout) as CheckovReport | CheckovReport['summary'];
  const report = 'summary' in parsed ? parsed : { summary: parsed };
  expect(report.summary.parsing_errors).toBe(0);
  return report;
}

/** Both scans over every config: with the skip list (the verdict), and without it (what each skip hides). */
let skipped: CheckovReport;
let unskipped: CheckovReport;

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-o11y-checkov-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

beforeAll(async () => {
  writeManifests(path.join(root, 'with-skips'), true);
  writeManifests(path.join(root, 'without-skips'), false);
  [skipped, unskipped] = await Promise.all([
    scan(path.join(root, 'with-skips'), GLOBAL_SKIPS.length > 0 ? ['--skip-check', GLOBAL_SKIPS.join(',')] : []),
    scan(path.join(root, 'without-skips'), ['--check', [...new Set(SKIPS.map((s) => s.check))].join(',')]),
  ]);
}, 180_000);

describe.each(Object.keys(ALL_CONFIGS))('checkov over the manifests of the %s config', (config) => {
  const failures = (report: CheckovReport) =>
    (report.results?.failed_checks ?? []).filter((f) => locate(f).config === config);

  test('reports no failed check but the listed skips', () => {
    expect(failures(skipped).map(describeFailure)).toEqual([]);
  });

  test('read every workload: without the skip list it flags each one whose images are pinned by tag only', () => {
    const workloads = Object.values(synthStack(ALL_CONFIGS[config]!).files)
      .flat()
      .filter((o) => WORKLOADS.includes(o.kind));
    const objects = workloads.map((o) => `${o.kind}/${o.metadata.name}`);
    const flagged = new Set(
      failures(unskipped)
        .filter((f) => f.check_id === 'CKV_K8S_43')
        .map((f) => locate(f).object),
    );
    // images.digests pins an image by digest: checkov then has nothing to flag (examples/air-gapped).
    const byDigest = workloads
      .filter((o) => podImages(o).every((image) => image.includes('@sha256:')))
      .map((o) => `${o.kind}/${o.metadata.name}`);
    expect(objects.filter((o) => !flagged.has(o) && !byDigest.includes(o))).toEqual([]);
    expect(byDigest.filter((o) => flagged.has(o))).toEqual([]);
    // With the Prometheus Operator the release runs Prometheus, Alertmanager and Grafana: three fewer.
    expect(objects.length).toBeGreaterThanOrEqual(ALL_CONFIGS[config]!.prometheusOperator.enabled ? 7 : 10);
  });
});

describe('the checkov skip list (test/validate/checkov-skips.yaml)', () => {
  test('gives every skip a check, its title and a reason, and lists each check once', () => {
    const problems: string[] = [];
    const ids = SKIPS.map((s) => s.check);
    for (const id of new Set(ids))
      if (ids.filter((i) => i === id).length > 1)
        problems.push(`${id} is listed more than once: one entry per check, its objects in \`only\``);
    const targets = SKIPS.flatMap((s) => (s.only ?? ['*']).map((target) => `${s.check} ${target}`));
    for (const s of SKIPS) {
      if (!/^CKV_K8S_\d+$/.test(s.check ?? '')) problems.push(`${s.check}: not a checkov Kubernetes check id`);
      if (!(s.title ?? '').trim()) problems.push(`${s.check}: no title`);
      if (!(s.why ?? '').trim()) problems.push(`${s.check}: no reason`);
      if ((s.why ?? '').includes('='))
        problems.push(`${s.check}: the reason contains '=', where checkov splits a skip annotation`);
      if (s.only !== undefined && (s.only.length === 0 || s.only.some((o) => !/^[A-Za-z]+\/[a-z0-9.-]+$/.test(o)))) {
        problems.push(`${s.check}: only must list objects as <Kind>/<name>, got ${JSON.stringify(s.only)}`);
      }
      for (const target of s.only ?? ['*']) {
        const twice =
          targets.filter((t) => t === `${s.check} ${target}` || t === `${s.check} *`).length > 1 ||
          (target === '*' && targets.some((t) => t.startsWith(`${s.check} `) && t !== `${s.check} *`));
        if (twice) problems.push(`${s.check} is listed more than once for ${target === '*' ? 'all objects' : target}`);
      }
    }
    expect(problems).toEqual([]);
    expect(SKIPS.length).toBeGreaterThan(0);
  });

  test('skips nothing that passes: each skip hides a failure of that check on each object it names', () => {
    const failed = unskipped.results?.failed_checks ?? [];
    const stale: string[] = [];
    for (const s of SKIPS) {
      const ofCheck = failed.filter((f) => f.check_id === s.check);
      for (const target of s.only ?? [undefined]) {
        const hits = ofCheck.filter((f) => target === undefined || locate(f).object === target);
        if (hits.length === 0) stale.push(`${s.check} ${target ?? 'everywhere'}: no manifest fails it`);
        for (const name of new Set(hits.map((f) => f.check_name))) {
          if (name !== s.title) stale.push(`${s.check}: checkov calls it '${name}', the list '${s.title}'`);
        }
      }
    }
    expect(stale).toEqual([]);
  });

  test('is what checkov applied: one skip per scoped check and object of every config, and no other', () => {
    const objects = Object.values(ALL_CONFIGS).flatMap((stack) => Object.values(synthStack(stack).files).flat());
    const expected = objects.reduce(
      (n, o) => n + SKIPS.filter((s) => s.only?.includes(`${o.kind}/${o.metadata.name}`)).length,
      0,
    );
    expect(expected).toBeGreaterThan(0);
    expect(skipped.summary.skipped).toBe(expected);
  });
});
