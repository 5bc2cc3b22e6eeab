import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { SecretKeyRef } from '../src/config/types';
import { containerSecurity, scratch, secretFiles } from '../src/lib/component';

/**
 * The uid the Elastic images (Elasticsearch, Logstash, Kibana) run as: their Dockerfiles' `USER`, the
 * owner of their home directories. Elastic supports another uid only as a member of the root group
 * (OpenShift), which would be worse; Elastic's operator (ECK) runs them as 1000 too.
 */
export const ELASTIC_UID = 1000;

/** Which keystore tool the image has, and so how secure settings are added. */
export type ElasticProduct = 'elasticsearch' | 'kibana' | 'logstash';

export interface ElasticHomeProps {
  readonly product: ElasticProduct;
  readonly image: string;
  /** The image's home directory, e.g. `/usr/share/elasticsearch`. */
  readonly home: string;
  /**
   * Directories under `home` the program writes besides `config` (and `/tmp`), each an emptyDir of
   * at most the given size. @default - none
   */
  readonly scratch?: Record<string, string>;
  /**
   * Settings that hold secrets, put into the product's keystore from Secret files: the program reads
   * them from there (as if set in its config file) and they never become environment variables.
   * @default - none: no keystore
   */
  readonly secureSettings?: Record<string, SecretKeyRef>;
  /** Resources of the init container; give it the main container's, so the pod asks for no more. */
  readonly resources: k8s.ResourceRequirements;
  /** Environment of the init container (e.g. the JVM heap), never a secret. @default - none */
  readonly env?: k8s.EnvVar[];
}

/** Where the init container writes the config directory the program then uses. */
const STAGED_CONFIG = '/mnt/agent-o11y/config';
/** Where secure settings are mounted, one file per setting named after it. */
const SECURE_SETTINGS_DIR = '/etc/agent-o11y/secure-settings';

/** A setting's value from its file, without trailing newlines, on stdin of the command that follows. */
const value = (key: string) => `printf '%s\\n' "$(cat ${SECURE_SETTINGS_DIR}/${key})"`;

/** How each product's keystore is created in the staged config directory and given the settings `keys`. */
const KEYSTORE: Record<ElasticProduct, { env: k8s.EnvVar[]; create: string; add: (keys: string[]) => string[] }> = {
  elasticsearch: {
    env: [{ name: 'ES_PATH_CONF', value: STAGED_CONFIG }],
    create: 'elasticsearch-keystore create',
    add: (keys) => keys.map((key) => `${value(key)} | elasticsearch-keystore add --stdin ${key}`),
  },
  kibana: {
    env: [{ name: 'KBN_PATH_CONF', value: STAGED_CONFIG }],
    create: 'kibana-keystore create',
    add: (keys) => keys.map((key) => `${value(key)} | kibana-keystore add ${key} --stdin`),
  },
  logstash: {
    env: [],
    // Without a keystore password (Logstash asks to confirm): the keystore lives only in the pod's emptyDir.
    create: `echo y | logstash-keystore --path.settings ${STAGED_CONFIG} create`,
    // One JVM for all keys: their values on stdin, one line each, in the order of the keys.
    add: (keys) => [
      `{ ${keys.map((key) => `${value(key)};`).join(' ')} } | logstash-keystore --path.settings ${STAGED_CONFIG} add ${keys.join(' ')}`,
    ],
  },
};

/**
 * What an Elastic image needs to run with a read-only root filesystem: its config directory as an
 * emptyDir, staged by an init container (the image's defaults copied, then the keystore created from
 * Secret files), an emptyDir for each other directory it writes, and `/tmp`. The program's own config
 * file is mounted over the staged one by the caller. The same layout as Elastic's operator (ECK).
 */
export class ElasticHome {
  /** Runs before the program: stages `config/` with the keystore. */
  public readonly initContainer: k8s.Container;
  /** The volumes the init container and the program use. */
  public readonly volumes: k8s.Volume[];
  /** The program's mounts: the staged config directory, the scratch directories and `/tmp`. */
  public readonly mounts: k8s.VolumeMount[];
  /** The secure settings as files, for a probe that needs one (e.g. Elasticsearch's password). */
  public readonly secureSettingsMount?: k8s.VolumeMount;
  /** The config directory, under which the caller mounts its own config files. */
  public readonly configDir: string;

  constructor(props: ElasticHomeProps) {
    this.configDir = `${props.home}/config`;
    const dirs = Object.keys(props.scratch ?? {}).map((dir) => ({ name: dir, mountPath: `${props.home}/${dir}` }));
    const scratchMounts = [...dirs, { name: 'tmp', mountPath: '/tmp' }];
    const settings = Object.keys(props.secureSettings ?? {}).sort();
    for (const key of settings) {
      if (!/^[A-Za-z0-9_.]+$/.test(key))
        throw new Error(`${props.product}: secure setting '${key}' must be letters, digits, '_' and '.'`);
    }
    const keystore = KEYSTORE[props.product];
    const script = [
      'set -euo pipefail',
      // Idempotent: a re-run (the pod's sandbox restarted, the emptyDir kept) starts from the image again.
      `find ${STAGED_CONFIG} -mindepth 1 -delete`,
      `cp -R ${this.configDir}/. ${STAGED_CONFIG}/`,
      ...(settings.length > 0 ? [keystore.create, ...keystore.add(settings)] : []),
    ].join('\n');

    this.volumes = [
      scratch('config'),
      ...dirs.map((d) => scratch(d.name, props.scratch![d.name])),
      scratch('tmp', '1Gi'),
      ...(settings.length > 0 ? [secretFiles('secure-settings', props.secureSettings!)] : []),
    ];
    if (settings.length > 0)
      this.secureSettingsMount = { name: 'secure-settings', mountPath: SECURE_SETTINGS_DIR, readOnly: true };
    this.initContainer = {
      name: 'stage-config',
      image: props.image,
      command: ['bash', '-c', script],
      env: [...(settings.length > 0 ? keystore.env : []), ...(props.env ?? [])],
      resources: props.resources,
      securityContext: containerSecurity(true),
      volumeMounts: [
        { name: 'config', mountPath: STAGED_CONFIG },
        ...scratchMounts,
        ...(this.secureSettingsMount ? [this.secureSettingsMount] : []),
      ],
    };
    this.mounts = [{ name: 'config', mountPath: this.configDir }, ...scratchMounts];
  }
}
