import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import type { PrometheusConfigFile, ScrapeConfig } from '../../constructs/prometheus-config';
import { activeCatalogs, ALL_PACKS, catalogComponents } from '../../rules';
import { resolveConfig } from '../../src/config/loader';
import { configMapData, synthStack } from '../helpers';
import { parseSeries, seriesIndex, seriesLabelProblem, targetLabelNames } from './delivery';
import { EVERYTHING } from './sources';

interface InputSeries {
  series: string;
}
interface PromTestFile {
  tests: Array<{ input_series?: InputSeries[] }>;
}

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const prometheus = yaml.load(
  configMapData(synthStack(EVERYTHING).files.prometheus, 'prometheus', 'prometheus.yml'),
) as PrometheusConfigFile;
const jobs = new Map<string, ScrapeConfig>(prometheus.scrape_configs.map((j) => [j.job_name, j]));
const index = seriesIndex(
  activeCatalogs(EVERYTHING.platforms, EVERYTHING.customMetrics, catalogComponents(EVERYTHING)),
);

// The SLO pack's promtool tests are generated with its rules (test/rules/slo.test.ts).
describe.each(Object.keys(ALL_PACKS).filter((p) => p !== 'slo'))('the %s promtool test', (pack) => {
  const file = yaml.load(
    fs.readFileSync(path.join(REPO_ROOT, 'rules', `${pack}.promtest.yaml`), 'utf8'),
  ) as PromTestFile;
  const series = [...new Set(file.tests.flatMap((t) => (t.input_series ?? []).map((s) => s.series)))];

  test('feeds every series with exactly the labels its delivery gives it in the rendered stack', () => {
    const problems = series.flatMap((s) => {
      const { name, labels } = parseSeries(s);
      const problem = seriesLabelProblem(name, labels, index, jobs);
      return problem ? [`${s}: ${problem}`] : [];
    });
    expect(problems).toEqual([]);
  });
});

describe('the delivery check', () => {
  test("reads a job's target labels from its relabelling, pod labels where it maps them", () => {
    expect(targetLabelNames(jobs.get('mca')!)).toEqual(['instance', 'job', 'namespace', 'pod']);
    expect(targetLabelNames(jobs.get('agents')!)).toEqual(['instance', 'job']);
    expect(targetLabelNames(jobs.get('kubernetes-pods')!, ['app'])).toEqual([
      'app',
      'instance',
      'job',
      'namespace',
      'pod',
    ]);
  });

  test('fails naming the series, the labels missing and the labels the stack never produces', () => {
    const check = (s: string) => {
      const { name, labels } = parseSeries(s);
      return seriesLabelProblem(name, labels, index, jobs);
    };
    expect(
      check(
        'mca_requests_total{job="mca",instance="10.0.0.1:9100",namespace="p",pod="mca-0",method="GET",endpoint="/",status_code="200"}',
      ),
    ).toBeUndefined();
    expect(check('mca_requests_total{job="mca",method="GET",endpoint="/",status_code="200",agent_type="mca"}')).toBe(
      'mca_requests_total (scrape by job mca) has labels {agent_type, endpoint, job, method, status_code}, expected {endpoint, instance, job, method, namespace, pod, status_code}; missing instance, namespace, pod; never produced: agent_type',
    );
    expect(check('mca_requests_total{job="master-control",instance="a"}')).toMatch(
      /^mca_requests_total\{job="master-control"\} is scraped \(catalogue progressive-v5\), but no rendered job is named "master-control"/,
    );
    expect(
      check('resource_cpu_usage_percent{job="sutazai",instance="a",namespace="n",pod="p",otel_scope_name="sutazai"}'),
    ).toBeUndefined();
    expect(check('made_up_total{job="x"}')).toBe('made_up_total is in no active catalogue');
  });

  test('the jobs it reads are those of the config the packs are tested with', () => {
    expect(
      resolveConfig({
        platforms: EVERYTHING.platforms,
        scrapeTargets: EVERYTHING.scrapeTargets,
        alerts: { disabled: EVERYTHING.alerts.disabled },
      }).scrapeTargets,
    ).toEqual(EVERYTHING.scrapeTargets);
  });
});
