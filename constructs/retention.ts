import { Construct } from 'constructs';
import type { estypes } from '@elastic/elasticsearch';
import { CommonConfig, LogStreamConfig, RetentionConfig } from '../src/config/types';
import { esDuration, retentionProblems, streamLifecycle } from './retention-policy';
import { DataTiers } from './elasticsearch';
import { SNAPSHOT_REPOSITORY } from '../src/lib/names';

/** ILM policy request body. */
export type IlmPolicyBody = Required<Pick<estypes.IlmPutLifecycleRequest, 'policy'>>;
/** Composable index template request body. */
export type IndexTemplateBody = Omit<estypes.IndicesPutIndexTemplateRequest, 'name'>;
/** SLM policy request body. */
export type SlmPolicyBody = Omit<estypes.SlmPutLifecycleRequest, 'policy_id'>;

export interface RetentionProps {
  readonly config: RetentionConfig;
  readonly common: CommonConfig;
  /** Where Elasticsearch keeps each phase's indices, and with how many replica shards (dataTiers). */
  readonly tiers: DataTiers;
  /** Jaeger's index prefix: its indices are snapshotted too. */
  readonly jaegerIndexPrefix: string;
  /** Log streams the stack adds itself, after the configured ones. @default - none */
  readonly addedStreams?: readonly AddedLogStream[];
}

/**
 * A log stream the stack adds itself (such as the GenAI content stream), not one of `retention.streams`.
 * Its owner validates its lifecycle against the config key that sets it.
 */
export interface AddedLogStream {
  readonly stream: LogStreamConfig;
  /** The config key and value that add it, named when a configured stream takes its name. */
  readonly addedBy: string;
  /** Whether snapshots include it: not when a snapshot's own retention would outlive the stream's. */
  readonly snapshot: boolean;
}

/** Above the built-in `logs` template (priority 100) for `logs-*-*`. */
const TEMPLATE_PRIORITY = 500;
const META = { managed_by: 'agent-o11y' };

/**
 * The lifecycle of everything Elasticsearch stores, as typed request bodies the bootstrap Job
 * applies: one ILM policy, index template and data stream per log stream (its compliance preset,
 * seed 000 §18.2), and the snapshot repository and SLM policy (seed 000 §18.4).
 */
export class Retention extends Construct {
  public readonly ilmPolicies: Record<string, IlmPolicyBody>;
  public readonly indexTemplates: Record<string, IndexTemplateBody>;
  public readonly snapshotRepositories: Record<string, estypes.SnapshotRepository>;
  public readonly slmPolicies: Record<string, SlmPolicyBody>;
  /** Data stream name pattern of each log stream, by stream name. */
  public readonly streamPatterns: Record<string, string>;
  /** The log streams, in the config's order: the first takes records naming none. */
  public readonly streams: readonly LogStreamConfig[];
  /** A filesystem snapshot location, which Elasticsearch must list in `path.repo`. */
  public readonly snapshotPath?: string;

  constructor(scope: Construct, id: string, props: RetentionProps) {
    super(scope, id);
    const config = props.config;
    const added = props.addedStreams ?? [];
    // Its config's rules, reported at synth (and by buildStack for the whole stack at once).
    this.node.addValidation({ validate: () => [...retentionProblems(config), ...addedStreamProblems(config, added)] });
    this.ilmPolicies = {};
    this.indexTemplates = {};
    this.streamPatterns = {};
    this.streams = [...config.streams, ...added.map((a) => a.stream)];
    const tiers = props.tiers;
    // A phase's replica count (the allocate action; the hot phase has none, its indices take the
    // template's) and, with warm nodes, the move to them: migrate is ILM's default in the warm and
    // cold phases, written out so the policy says where its indices go.
    const phaseMove = (phase: 'warm' | 'cold'): estypes.IlmActions => ({
      ...(tiers.replicas[phase] !== undefined ? { allocate: { number_of_replicas: tiers.replicas[phase] } } : {}),
      ...(tiers.warmPool ? { migrate: { enabled: true } } : {}),
    });
    for (const stream of this.streams) {
      const name = `agent-o11y-logs-${stream.name}`;
      const life = streamLifecycle(stream);
      const phases: estypes.IlmPhases = {
        hot: {
          min_age: '0ms',
          actions: {
            rollover: { max_age: esDuration(life.rolloverAge), max_primary_shard_size: life.rolloverPrimaryShardSize },
            set_priority: { priority: 100 },
          },
        },
        warm: {
          min_age: esDuration(life.warmAfter),
          actions: {
            ...phaseMove('warm'),
            shrink: { number_of_shards: 1 },
            forcemerge: { max_num_segments: 1 },
            set_priority: { priority: 50 },
          },
        },
      };
      // Seed 000 moves cold indices to `box_type: cold` nodes; there is no cold pool, so cold means
      // read-only and recovered last, on the warm nodes when there are some (migrate's tier
      // preference data_cold,data_warm,data_hot falls back to them).
      if (life.coldAfter)
        phases.cold = {
          min_age: esDuration(life.coldAfter),
          actions: { ...phaseMove('cold'), readonly: {}, set_priority: { priority: 0 } },
        };
      if (life.deleteAfter) phases.delete = { min_age: esDuration(life.deleteAfter), actions: { delete: {} } };
      this.ilmPolicies[name] = { policy: { _meta: { ...META, compliance: stream.compliance }, phases } };

      const pattern = `logs-${stream.name}-*`;
      this.streamPatterns[stream.name] = pattern;
      this.indexTemplates[name] = {
        index_patterns: [pattern],
        data_stream: {},
        priority: TEMPLATE_PRIORITY,
        _meta: { ...META, compliance: stream.compliance },
        template: {
          settings: {
            'index.lifecycle.name': name,
            'index.number_of_shards': stream.primaryShards ?? 1,
            'index.number_of_replicas': tiers.replicas.hot,
            // Seed 000 §18.3.
            'index.codec': 'best_compression',
          },
          mappings: {
            // Unknown strings are keywords, not text + keyword: cheaper, and what a filter needs.
            dynamic_templates: [
              {
                strings_as_keywords: { match_mapping_type: 'string', mapping: { type: 'keyword', ignore_above: 1024 } },
              },
            ],
            properties: {
              '@timestamp': { type: 'date' },
              message: { type: 'match_only_text' },
              level: { type: 'keyword' },
              trace_id: { type: 'keyword' },
              span_id: { type: 'keyword' },
              correlation_id: { type: 'keyword' },
              request_id: { type: 'keyword' },
              agent: {
                properties: { id: { type: 'keyword' }, type: { type: 'keyword' }, critical: { type: 'boolean' } },
              },
              // Seed 002's `integration_score=` in a line's text.
              integration_score: { type: 'double' },
              service: { properties: { name: { type: 'keyword' }, version: { type: 'keyword' } } },
              cluster: { type: 'keyword' },
              environment: { type: 'keyword' },
              // Arbitrary attributes: one field each, so no mapping explosion.
              labels: { type: 'flattened' },
              resource_attributes: { type: 'flattened' },
            },
          },
        },
      };
    }

    this.snapshotRepositories = {};
    this.slmPolicies = {};
    const snapshots = config.snapshots;
    if (snapshots.enabled) {
      const repository = SNAPSHOT_REPOSITORY;
      const { s3, fs } = snapshots.repository ?? {};
      if (s3) {
        this.snapshotRepositories[repository] = {
          type: 's3',
          settings: {
            bucket: s3.bucket,
            ...(s3.basePath ? { base_path: s3.basePath } : {}),
            ...(s3.client ? { client: s3.client } : {}),
            compress: true,
          },
        };
      } else if (fs) {
        this.snapshotRepositories[repository] = { type: 'fs', settings: { location: fs.location, compress: true } };
        this.snapshotPath = fs.location;
      }
      this.slmPolicies['agent-o11y-daily'] = {
        schedule: snapshots.schedule,
        name: '<agent-o11y-{now/d}>',
        repository,
        config: {
          // A stream left out is excluded by name after the wildcard that would take it.
          indices: [
            'logs-*',
            ...added.filter((a) => !a.snapshot).map((a) => `-${this.streamPatterns[a.stream.name]}`),
            `${props.jaegerIndexPrefix}-*`,
          ],
          include_global_state: false,
          ignore_unavailable: true,
        },
        retention: {
          expire_after: esDuration(snapshots.expireAfter),
          min_count: snapshots.minCount,
          max_count: snapshots.maxCount,
        },
      };
    }
  }
}

/** Configured streams that take the name of one the stack adds (paths under /retention/streams). */
function addedStreamProblems(config: RetentionConfig, added: readonly AddedLogStream[]): string[] {
  return config.streams.flatMap((stream, i) => {
    const taken = added.find((a) => a.stream.name === stream.name);
    return taken
      ? [
          `/retention/streams/${i}/name: must not be "${stream.name}", the stream ${taken.addedBy} adds; choose another name`,
        ]
      : [];
  });
}
