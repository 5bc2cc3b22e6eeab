import { DEFAULTS, PlatformName, StackConfig } from '../../src/config';
import { PLATFORM_PACKS } from '../../rules';

export const ALL_PLATFORMS = Object.keys(PLATFORM_PACKS) as PlatformName[];

/** What the progressive-v5 pack needs to have every alert able to fire: seed 004's jobs. */
export const PROGRESSIVE_SOURCES: Pick<StackConfig, 'scrapeTargets'> = {
  scrapeTargets: ['mca', 'postgres', 'redis'].map((job) => ({
    job,
    namespace: 'progressive-framework-v5',
    matchLabels: { app: job },
    port: 9100,
  })),
};

/** What the agentcore pack needs: seed 003's `agentcore` job, which AgentCoreRuntimeDown watches. */
export const AGENTCORE_SOURCES: Pick<StackConfig, 'scrapeTargets'> = {
  scrapeTargets: [{ job: 'agentcore', namespace: 'agentcore', matchLabels: { app: 'agentcore' }, port: 8000 }],
};

/** What each platform's pack needs beyond the defaults to have every alert able to fire. */
export const PLATFORM_SOURCES: Partial<Record<PlatformName, Partial<StackConfig>>> = {
  'progressive-v5': PROGRESSIVE_SOURCES,
  agentcore: AGENTCORE_SOURCES,
};

/**
 * Every platform, each scraped as its seed scrapes it: seed 004 one job per agent and its databases,
 * seed 003 a job of its own, seed 001 one per deployment; MS framework's agents (seed 000) by annotation, through
 * `kubernetes-pods`. The promtool tests feed the labels these jobs give (delivery.test.ts).
 */
/** Prometheus backed up to a bucket, so the backup's sidecar, job and alerts render. */
const BACKUP: StackConfig['prometheus']['backup'] = {
  ...DEFAULTS.prometheus.backup,
  enabled: true,
  s3: { bucket: 'agent-o11y-backups', endpoint: 's3.eu-west-1.amazonaws.com', credentialsSecret: 'prometheus-backup' },
};

/**
 * GenAI metrics on, two models priced (per million tokens: gpt-4o 2.5 in, 10 out; claude-sonnet-4-5 3
 * in, 15 out) and both budgets set, so every rule of the GenAI pack renders.
 */
export const GENAI: StackConfig['genai'] = {
  ...DEFAULTS.genai,
  enabled: true,
  cost: {
    currency: 'USD',
    prices: [
      { model: 'gpt-4o', input: 2.5, output: 10 },
      { model: 'claude-sonnet-4-5', input: 3, output: 15 },
    ],
    budgets: { daily: 100, monthly: 2000 },
  },
};

/**
 * SLOs of each shape: errors over a total that lists them too (seed 000's tasks), good events under a
 * histogram bucket, and agent invocations from the span metrics, over 14 days (scaled windows) and 7.
 */
export const SLOS: StackConfig['slos'] = [
  {
    name: 'task-success',
    objective: 99,
    window: '14d',
    sli: { errors: 'task_errors_total', total: ['task_completions_total', 'task_errors_total'] },
  },
  {
    name: 'hook-latency',
    description: 'Claude-CLI hooks finish within a second',
    objective: 99.5,
    window: '14d',
    sli: { good: 'claude_cli_hook_duration_seconds_bucket{le="1.0"}', total: 'claude_cli_hook_duration_seconds_count' },
  },
  {
    name: 'agent-invocations',
    objective: 99.9,
    window: '7d',
    sli: {
      errors: 'traces_span_metrics_calls_total{gen_ai_operation_name="invoke_agent",status_code="STATUS_CODE_ERROR"}',
      total: 'traces_span_metrics_calls_total{gen_ai_operation_name="invoke_agent"}',
    },
  },
];

export const EVERYTHING: StackConfig = {
  ...DEFAULTS,
  genai: GENAI,
  slos: SLOS,
  prometheus: { ...DEFAULTS.prometheus, backup: BACKUP },
  platforms: ALL_PLATFORMS,
  ...PROGRESSIVE_SOURCES,
  scrapeTargets: [
    ...['mca', 'npa', 'wpa', 'bma', 'postgres', 'redis'].map((job) => ({
      job,
      namespace: 'progressive-framework-v5',
      matchLabels: { app: job },
      port: 9100,
    })),
    ...AGENTCORE_SOURCES.scrapeTargets,
    // Two deployments of MultiAgents, each its own job: its alerts are per job.
    ...['multiagents', 'multiagents-batch'].map((job) => ({
      job,
      namespace: 'multiagents',
      matchLabels: { app: job },
      port: 8000,
    })),
  ],
};

/**
 * The config each pack's promtool test renders its rules with: the defaults, a snapshot repository,
 * so the stack pack's snapshot alerts (which only a configured repository renders) are tested too, and
 * the GenAI pack's prices and budgets.
 */
export const PROMTEST_CONFIG: StackConfig = {
  ...DEFAULTS,
  genai: GENAI,
  prometheus: { ...DEFAULTS.prometheus, backup: BACKUP },
  retention: {
    ...DEFAULTS.retention,
    snapshots: {
      ...DEFAULTS.retention.snapshots,
      enabled: true,
      repository: { fs: { location: '/mnt/es-snapshots' } },
    },
  },
};
