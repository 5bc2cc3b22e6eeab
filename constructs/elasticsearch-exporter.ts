import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import type { estypes } from '@elastic/elasticsearch';
import { CommonConfig, ElasticsearchExporterConfig } from '../src/config/types';
import { imageOf } from '../src/lib/images';
import { COMPONENTS } from '../src/lib/names';
import { ElasticsearchCluster } from './elasticsearch-cluster';
import { Exporter } from './exporter';
import { Pki } from './mtls';

export interface ElasticsearchExporterProps {
  readonly config: ElasticsearchExporterConfig;
  readonly common: CommonConfig;
  /** The cluster it watches: its user and role are registered there, its address and CA come from there. */
  readonly elasticsearch: ElasticsearchCluster;
  /** Issues its certificate: its metrics port requires a client certificate from the stack CA. */
  readonly pki: Pki;
  /** Watch the snapshots (a repository is configured, `retention.snapshots`). @default false */
  readonly snapshots?: boolean;
  /** @default IMAGES.elasticsearchExporter */
  readonly image?: string;
}

/** The Elasticsearch role it reads as. */
export const ELASTICSEARCH_EXPORTER_ROLE = 'agent_o11y_monitoring';

/**
 * What its collectors need and nothing more (the exporter's README, and the Elasticsearch API each
 * calls): cluster health, node stats and `/` (`monitor`); ILM's status (`read_ilm`) and every index's
 * lifecycle (`GET _all/_ilm/explain`: `view_index_metadata`, which shows settings and mappings, never
 * documents); the repositories and their snapshots (`monitor_snapshot`) only when it watches them.
 */
export function elasticsearchExporterRole(snapshots: boolean): Omit<estypes.SecurityPutRoleRequest, 'name'> {
  return {
    cluster: ['monitor', 'read_ilm', ...(snapshots ? ['monitor_snapshot'] : [])],
    indices: [{ names: ['*'], privileges: ['view_index_metadata'] }],
  };
}

const CONFIG_DIR = '/etc/elasticsearch-exporter';

/** Where it listens and what it reads. */
export interface ElasticsearchExporterArgs {
  /** `--web.listen-address`, e.g. `:9114`. */
  readonly listen: string;
  /** Elasticsearch's HTTPS address. */
  readonly elasticsearch: string;
  /** The CA that signed Elasticsearch's certificate (the stack CA, or an existing cluster's). @default - the public roots */
  readonly ca?: string;
  /** Its TLS web config. @default /etc/elasticsearch-exporter/web.yml */
  readonly webConfig?: string;
  /** Collect the snapshots of every repository. @default false */
  readonly snapshots?: boolean;
}

/** The command line: the tests run the real binary with it. */
export function elasticsearchExporterArgs(args: ElasticsearchExporterArgs): string[] {
  return [
    `--web.listen-address=${args.listen}`,
    `--web.config.file=${args.webConfig ?? `${CONFIG_DIR}/web.yml`}`,
    // The user and password come from ES_USERNAME and ES_PASSWORD, never the URL.
    `--es.uri=${args.elasticsearch}`,
    ...(args.ca ? [`--es.ca=${args.ca}`] : []),
    // Every node's stats (disks among them), not only those of the node the Service picked.
    '--es.all',
    // Cluster health (with its unassigned shards) and node stats are always collected; ILM, and
    // snapshots where a repository is configured, on top. Per-index stats (`--es.indices`) are off:
    // a series set per index, which no alert reads.
    '--collector.ilm',
    ...(args.snapshots ? ['--collector.snapshots'] : []),
  ];
}

/**
 * The Prometheus community's elasticsearch_exporter: the health, shards, disks, ILM and snapshots of the
 * stack's Elasticsearch as `elasticsearch_*` metrics. One restricted replica in the stack's namespace.
 * It connects over TLS verified against the stack CA, as a user of its own whose role may only read
 * cluster state, index metadata and snapshot lists (the bootstrap Job creates both). Its port requires
 * a client certificate from the stack CA, as every metrics port of the stack does.
 */
export class ElasticsearchExporter extends Exporter {
  /** Its command line. */
  public readonly args: readonly string[];

  constructor(scope: Construct, id: string, props: ElasticsearchExporterProps) {
    // Its certificate's ca.crt is the stack CA, which signed Elasticsearch's too.
    super(scope, id, {
      name: COMPONENTS.elasticsearchExporter,
      namespace: props.common.namespace,
      role: 'elasticsearch-metrics',
      image: props.image ?? imageOf(scope, 'elasticsearchExporter'),
      ports: [
        { name: 'metrics', port: 9114, carries: "Elasticsearch's health, disks, ILM and snapshots", tls: 'mtls' },
      ],
      pki: props.pki,
      configDir: CONFIG_DIR,
    });
    const creds = props.config.elasticsearch;
    const snapshots = props.snapshots ?? false;
    const esUrl = props.elasticsearch.grant(
      this,
      creds,
      ELASTICSEARCH_EXPORTER_ROLE,
      elasticsearchExporterRole(snapshots),
    );
    const esTrust = props.elasticsearch.trust(this.tls);
    this.args = elasticsearchExporterArgs({
      listen: `:${this.port('metrics').port}`,
      elasticsearch: esUrl,
      ...(esTrust.caFile ? { ca: esTrust.caFile } : {}),
      webConfig: this.webConfigFile,
      snapshots,
    });
    this.serviceAccount();
    this.service();
    new k8s.KubeDeployment(this, 'Resource', {
      metadata: { name: this.name, labels: this.labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: this.selector },
        template: this.podTemplate(
          this.exporterPod(
            {
              name: 'elasticsearch-exporter',
              args: [...this.args],
              // It reads its credentials from these variables or the URL only (no file option).
              env: [
                {
                  name: 'ES_USERNAME',
                  valueFrom: { secretKeyRef: { name: creds.secretName, key: creds.usernameKey } },
                },
                {
                  name: 'ES_PASSWORD',
                  valueFrom: { secretKeyRef: { name: creds.secretName, key: creds.passwordKey } },
                },
              ],
              resources: props.config.resources,
              volumeMounts: [...esTrust.mounts],
            },
            { volumes: esTrust.volumes },
          ),
        ),
      },
    });
  }
}
