import { execFileSync } from 'child_process';
import * as path from 'path';
import { StackConfig } from '../../src/config/types';
import { IMAGES, ImageKey, imageList, imageTag, parseImage, resolveImage } from '../../src/lib/images';
import { ALL_CONFIGS, allObjects, configProblems, KubeObject } from '../helpers';
import { loadConfig } from '../../src/config/loader';

const MIRROR = 'registry.internal:5000/mirror';
const KEYS = Object.keys(IMAGES) as ImageKey[];
// A distinct, well-formed digest per image, so a test can tell which key an image field was resolved from.
const DIGESTS = Object.fromEntries(KEYS.map((key, i) => [key, `sha256:${i.toString(16).padStart(2, '0').repeat(32)}`]));

/** Every `image` field of every object: containers, init containers, Jobs and CronJobs alike. */
function imageFields(objects: KubeObject[]): string[] {
  const found: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === 'object' && value !== null) {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'image' && typeof inner === 'string') found.push(inner);
        else walk(inner);
      }
    }
  };
  walk(objects);
  return found;
}

describe('image references', () => {
  test('a reference without a host is a Docker Hub one; a host has a dot, a port or is localhost', () => {
    expect(parseImage('otel/opentelemetry-collector-contrib:0.159.0')).toEqual({
      registry: 'docker.io',
      path: 'otel/opentelemetry-collector-contrib',
      tag: '0.159.0',
    });
    expect(parseImage('localhost:5000/a/b:1@sha256:ab')).toEqual({ registry: 'localhost:5000', path: 'a/b', tag: '1', digest: 'sha256:ab' });
    expect(imageTag(`${MIRROR}/grafana/grafana:12.4.3@${DIGESTS.grafana}`)).toBe('12.4.3');
  });

  test('a mirror replaces the host and keeps the path; a digest follows the tag', () => {
    expect(resolveImage('grafana', { registry: MIRROR, digests: { grafana: DIGESTS.grafana } })).toBe(
      `${MIRROR}/grafana/grafana:12.4.3@${DIGESTS.grafana}`,
    );
    expect(resolveImage('kubeStateMetrics', { digests: {} })).toBe(IMAGES.kubeStateMetrics);
  });

  test('no two images share a path, so one mirror holds them all', () => {
    const paths = KEYS.map((key) => parseImage(IMAGES[key]).path);
    expect(new Set(paths).size).toBe(paths.length);
  });
});

describe.each(Object.keys(ALL_CONFIGS))('%s', (name) => {
  const config = ALL_CONFIGS[name]!;

  test('runs only the pinned images', () => {
    const pinned = new Set(Object.values(IMAGES) as string[]);
    const rendered = imageFields(allObjects({ ...config, images: { digests: {} } }));
    expect(rendered.length).toBeGreaterThan(0);
    expect(rendered.filter((image) => !pinned.has(image))).toEqual([]);
  });

  test('pulls every image of every container, init container and Job from the mirror, by digest', () => {
    const mirrored: StackConfig = { ...config, images: { registry: MIRROR, digests: DIGESTS } };
    const expected = new Set(KEYS.map((key) => resolveImage(key, mirrored.images)));
    const rendered = imageFields(allObjects(mirrored));
    expect(rendered.filter((image) => !expected.has(image))).toEqual([]);
    // And each carries the digest of its own key: a construct asking for the wrong key would show here.
    for (const image of rendered) {
      const key = KEYS.find((k) => DIGESTS[k] === parseImage(image).digest)!;
      expect(image).toBe(resolveImage(key, mirrored.images));
    }
  });
});

describe('images config', () => {
  test('fails for an image key that does not exist, naming it', () => {
    const problems = configProblems({ images: { digests: { grafna: DIGESTS.grafana } } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^\/images\/digests\/grafna: unknown key \(expected one of: collector, .*kibana\)$/);
  });

  test('fails for a digest that is not sha256 and 64 hex digits', () => {
    expect(configProblems({ images: { digests: { grafana: 'sha256:abc' } } })).toEqual([
      '/images/digests/grafana: must be a digest like sha256: and 64 lower-case hex digits, got "sha256:abc"',
    ]);
  });

  test.each(['https://registry.internal', 'registry.internal/', 'mirror/path', 'Registry.internal/Mirror'])(
    'fails for the registry %s',
    (registry) => {
      expect(configProblems({ images: { registry } })).toEqual([
        expect.stringMatching(/^\/images\/registry: must be a registry host\[:port\] and path/),
      ]);
    },
  );

  test.each(['registry.internal:5000/mirror', 'localhost:5000', 'mirror:5000/a/b', 'harbor.example.com/dockerhub-proxy'])(
    'accepts the registry %s',
    (registry) => {
      expect(configProblems({ images: { registry } })).toEqual([]);
    },
  );
});

describe('examples/air-gapped', () => {
  const file = path.resolve(__dirname, '../../examples/air-gapped/agent-o11y.yaml');
  const config = loadConfig(file);

  test('pulls everything from its mirror, the collector by digest', () => {
    const rendered = new Set(imageFields(allObjects(config)));
    expect([...rendered].filter((image) => !image.startsWith(`${config.images.registry}/`))).toEqual([]);
    expect([...rendered].filter((image) => image.includes('@'))).toEqual([
      `${config.images.registry}/otel/opentelemetry-collector-contrib:0.159.0@${config.images.digests.collector}`,
    ]);
  });

  test('scripts/images.js lists each pinned image with its place in the mirror', () => {
    const out = execFileSync(process.execPath, [path.resolve(__dirname, '../../scripts/images.js'), file], { encoding: 'utf8' });
    expect(out.trim().split('\n')).toEqual(
      imageList({ ...config.images, digests: {} }).map(({ key, source, image }) => `${key} ${source} ${image}`),
    );
  });
});
