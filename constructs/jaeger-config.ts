/**
 * Jaeger v2's configuration file (a collector distribution: the collector's service, receivers and
 * extensions, plus Jaeger's storage and query extensions), as types, and the pure function that
 * renders it. `jaeger validate` judges the result (test/validate/jaeger.test.ts).
 */
import type { CommonConfig } from '../src/config/types';
import type { Endpoint } from '../src/lib/component';
import type { TlsFiles } from './mtls';
import { otelClientTls, otelServerTls } from './mtls';
import type { OtlpReceiver, Telemetry, TlsClientSettings, TlsServerSettings } from './otel-config';

interface DailyIndex {
  date_layout: string;
  rollover_frequency: 'day' | 'hour';
  shards: number;
  replicas: number;
}

export interface JaegerConfigFile {
  service: {
    extensions: Array<'jaeger_storage' | 'jaeger_query' | 'healthcheckv2'>;
    pipelines: { traces: { receivers: ['otlp']; processors: ['batch']; exporters: ['jaeger_storage_exporter'] } };
    telemetry: Telemetry & { resource: Record<string, string> };
  };
  extensions: {
    healthcheckv2: { use_v2: true; http: { endpoint: string } };
    jaeger_query: {
      storage: { traces: string };
      http: { endpoint: string; tls: TlsServerSettings };
      grpc: { endpoint: string; tls: TlsServerSettings };
    };
    jaeger_storage: {
      backends: Record<
        string,
        {
          elasticsearch: {
            server_urls: string[];
            auth: { basic: { username: string; password_file: string } };
            tls: { ca_file?: string; cert_file: string; key_file: string };
            indices: { index_prefix: string; spans: DailyIndex; services: DailyIndex };
          };
        }
      >;
    };
  };
  receivers: { otlp: OtlpReceiver };
  processors: { batch: Record<string, never> };
  exporters: { jaeger_storage_exporter: { trace_storage: string } };
}

/** What Jaeger's config file is rendered from. */
export interface JaegerConfigInput {
  readonly common: CommonConfig;
  /** Span and service indices are `<indexPrefix>-jaeger-span-<day>`, ... */
  readonly indexPrefix: string;
  readonly tls: TlsFiles;
  /** Jaeger's port number of a port name. */
  readonly port: (name: string) => number;
  /**
   * Where spans are stored, the mounted file holding Jaeger's password for it, and the replica shards
   * its indices ask for (`replicaShards` of the cluster's nodes).
   */
  readonly elasticsearch: {
    readonly url: string;
    readonly passwordFile: string;
    /** The CA that verifies it. @default - the public roots */
    readonly caFile?: string;
    readonly replicas: number;
  };
}

/** One index per day, one primary shard each. */
const DAILY = { date_layout: '2006-01-02', rollover_frequency: 'day', shards: 1 } as const;

/** Jaeger's config.yaml, as typed data. */
export function jaegerConfig({ common, indexPrefix, tls, port, elasticsearch }: JaegerConfigInput): JaegerConfigFile {
  const backend = 'elasticsearch';
  return {
    service: {
      extensions: ['jaeger_storage', 'jaeger_query', 'healthcheckv2'],
      pipelines: {
        traces: { receivers: ['otlp'], processors: ['batch'], exporters: ['jaeger_storage_exporter'] },
      },
      telemetry: {
        resource: { 'service.name': 'jaeger' },
        metrics: {
          level: 'detailed',
          readers: [{ pull: { exporter: { prometheus: { host: '0.0.0.0', port: port('metrics') } } } }],
        },
        logs: { level: common.logLevel },
      },
    },
    extensions: {
      healthcheckv2: { use_v2: true, http: { endpoint: `0.0.0.0:${port('health')}` } },
      jaeger_query: {
        storage: { traces: backend },
        http: { endpoint: `0.0.0.0:${port('query-http')}`, tls: otelServerTls(tls) },
        grpc: { endpoint: `0.0.0.0:${port('query-grpc')}`, tls: otelServerTls(tls) },
      },
      jaeger_storage: {
        backends: {
          [backend]: {
            elasticsearch: {
              server_urls: [elasticsearch.url],
              auth: {
                basic: { username: '${env:ES_USERNAME}', password_file: elasticsearch.passwordFile },
              },
              tls: {
                ...(elasticsearch.caFile ? { ca_file: elasticsearch.caFile } : {}),
                cert_file: tls.cert,
                key_file: tls.key,
              },
              indices: {
                index_prefix: indexPrefix,
                spans: { ...DAILY, replicas: elasticsearch.replicas },
                services: { ...DAILY, replicas: elasticsearch.replicas },
              },
            },
          },
        },
      },
    },
    receivers: {
      otlp: {
        protocols: {
          grpc: { endpoint: `0.0.0.0:${port('otlp-grpc')}`, tls: otelServerTls(tls) },
          http: { endpoint: `0.0.0.0:${port('otlp-http')}`, tls: otelServerTls(tls) },
        },
      },
    },
    processors: { batch: {} },
    exporters: { jaeger_storage_exporter: { trace_storage: backend } },
  };
}

/**
 * The trace intake's config file: the Jaeger binary as a translating collector, taking Zipkin and
 * Jaeger (gRPC, Thrift over HTTP) spans over mTLS and forwarding them as OTLP to the gateway, which
 * samples, redacts and stores them as it does every app's spans. `jaeger validate` judges it.
 */
export interface TraceIntakeConfigFile {
  service: {
    extensions: ['healthcheckv2'];
    pipelines: { traces: { receivers: ['zipkin', 'jaeger']; processors: ['batch']; exporters: ['otlp'] } };
    telemetry: Telemetry & { resource: Record<string, string> };
  };
  extensions: { healthcheckv2: { use_v2: true; http: { endpoint: string } } };
  receivers: {
    zipkin: { endpoint: string; tls: TlsServerSettings };
    jaeger: {
      protocols: {
        grpc: { endpoint: string; tls: TlsServerSettings };
        thrift_http: { endpoint: string; tls: TlsServerSettings };
      };
    };
  };
  processors: { batch: Record<string, never> };
  exporters: { otlp: { endpoint: string; tls: TlsClientSettings } };
}

/** What the trace intake's config file is rendered from. */
export interface TraceIntakeConfigInput {
  readonly common: CommonConfig;
  readonly tls: TlsFiles;
  /** The intake's port number of a port name. */
  readonly port: (name: string) => number;
  /** The gateway's OTLP/gRPC endpoint. */
  readonly gateway: Endpoint;
}

/** The trace intake's config.yaml, as typed data. */
export function traceIntakeConfig({ common, tls, port, gateway }: TraceIntakeConfigInput): TraceIntakeConfigFile {
  const server = otelServerTls(tls);
  return {
    service: {
      extensions: ['healthcheckv2'],
      pipelines: { traces: { receivers: ['zipkin', 'jaeger'], processors: ['batch'], exporters: ['otlp'] } },
      telemetry: {
        resource: { 'service.name': 'trace-intake' },
        metrics: {
          level: 'normal',
          readers: [{ pull: { exporter: { prometheus: { host: '0.0.0.0', port: port('metrics') } } } }],
        },
        logs: { level: common.logLevel },
      },
    },
    extensions: { healthcheckv2: { use_v2: true, http: { endpoint: `0.0.0.0:${port('health')}` } } },
    receivers: {
      zipkin: { endpoint: `0.0.0.0:${port('zipkin')}`, tls: server },
      jaeger: {
        protocols: {
          grpc: { endpoint: `0.0.0.0:${port('jaeger-grpc')}`, tls: server },
          thrift_http: { endpoint: `0.0.0.0:${port('jaeger-http')}`, tls: server },
        },
      },
    },
    processors: { batch: {} },
    exporters: { otlp: { endpoint: gateway.hostPort, tls: otelClientTls(tls, gateway) } },
  };
}
