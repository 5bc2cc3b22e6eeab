import { Construct } from 'constructs';
import type { ImageDigests, ImagesConfig } from '../config/types';

/**
 * Every container image the stack runs, pinned to a release tag. One place, so an upgrade is a
 * one-line diff that CI validates. The collector, Prometheus, Alertmanager, Jaeger, node-exporter, kube-state-metrics
 * elasticsearch-exporter, json-exporter and thanos tags are the versions of the binaries the tests judge with (the go.mod of each
 * test/judges module; a test keeps them equal); see docs/deploying.md, "Pinned versions", for why each is the one it is.
 */
export const IMAGES = {
  collector: 'docker.io/otel/opentelemetry-collector-contrib:0.159.0',
  prometheus: 'quay.io/prometheus/prometheus:v3.13.5',
  alertmanager: 'quay.io/prometheus/alertmanager:v0.35.0',
  grafana: 'docker.io/grafana/grafana:12.4.3',
  jaeger: 'docker.io/jaegertracing/jaeger:2.13.0',
  nodeExporter: 'quay.io/prometheus/node-exporter:v1.12.1',
  kubeStateMetrics: 'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.15.0',
  elasticsearchExporter: 'quay.io/prometheuscommunity/elasticsearch-exporter:v1.10.0',
  jsonExporter: 'quay.io/prometheuscommunity/json-exporter:v0.7.0',
  thanos: 'quay.io/thanos/thanos:v0.42.4',
  elasticsearch: 'docker.elastic.co/elasticsearch/elasticsearch:9.5.4',
  logstash: 'docker.elastic.co/logstash/logstash:9.5.4',
  kibana: 'docker.elastic.co/kibana/kibana:9.5.4',
} as const satisfies Record<keyof ImageDigests, string>;

/** An image of the stack, by its key in IMAGES (and in the config's `images.digests`). */
export type ImageKey = keyof typeof IMAGES;

/** An image reference split the way the container runtimes read it (the distribution reference grammar). */
export interface ImageReference {
  /** The registry host, `docker.io` where the reference names none. */
  readonly registry: string;
  /** The repository path under the registry: `grafana/grafana`. */
  readonly path: string;
  readonly tag: string;
  readonly digest?: string;
}

/**
 * Splits `[host[:port]/]path:tag[@digest]`. The first word is a host only when it has a `.` or a `:`
 * or is `localhost`; otherwise the runtime pulls from Docker Hub (`otel/...` is `docker.io/otel/...`).
 */
export function parseImage(ref: string): ImageReference {
  const [name, digest] = ref.split('@') as [string, string | undefined];
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const hasHost = first.includes('.') || first.includes(':') || first === 'localhost';
  const rest = hasHost ? name.slice(slash + 1) : name;
  const colon = rest.lastIndexOf(':');
  if (colon < 0) throw new Error(`images: '${ref}' has no tag; every image of the stack is pinned to one`);
  return {
    registry: hasHost ? first : 'docker.io',
    path: rest.slice(0, colon),
    tag: rest.slice(colon + 1),
    ...(digest ? { digest } : {}),
  };
}

/** The tag of an image reference (its version, for `app.kubernetes.io/version`), with or without a digest. */
export function imageTag(ref: string): string {
  return parseImage(ref).tag;
}

/**
 * The reference the stack's pods pull for `key`. A mirror registry replaces the host and keeps the
 * path, the layout `crane copy <image> <registry>/<path>` and registry proxy caches produce, so one
 * mirror holds every image without renaming any. A digest is appended to the tag (`repo:tag@sha256:`):
 * the runtime pulls the digest and ignores the tag, which stays for the people reading a diff.
 */
export function resolveImage(key: ImageKey, images: ImagesConfig): string {
  const ref = parseImage(IMAGES[key]);
  const digest = images.digests[key];
  return `${images.registry ?? ref.registry}/${ref.path}:${ref.tag}${digest ? `@${digest}` : ''}`;
}

/** The construct-tree context key holding the config's `images` (set on each chart by app/stack.ts). */
export const IMAGES_CONTEXT = 'agent-o11y/images';

/**
 * The image `scope` runs for `key`: resolved with the config's `images` (the registry mirror and
 * digests) its chart carries, or the pinned reference outside a stack (a construct in a test chart).
 * Every construct takes its images from here, so none escapes the mirror.
 */
export function imageOf(scope: Construct, key: ImageKey): string {
  const images = scope.node.tryGetContext(IMAGES_CONTEXT) as ImagesConfig | undefined;
  return images ? resolveImage(key, images) : IMAGES[key];
}

/** Every image a stack with `images` runs, with the pinned reference it is mirrored from. */
export function imageList(images: ImagesConfig): Array<{ key: ImageKey; source: string; image: string }> {
  return (Object.keys(IMAGES) as ImageKey[]).map((key) => ({ key, source: IMAGES[key], image: resolveImage(key, images) }));
}
