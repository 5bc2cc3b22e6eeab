import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { CommonConfig, KibanaConfig } from '../src/config/types';
import { imageOf } from '../src/lib/images';
import { toYaml } from '../src/lib/render';
import { Component, httpProbe, resourceRequirements } from '../src/lib/component';
import { ELASTIC_UID, ElasticHome } from './elastic-home';
import { ElasticsearchCluster } from './elasticsearch-cluster';
import { Pki } from './mtls';
import type { KibanaSettings } from './elastic-settings';
import { kibanaSsoProblems, kibanaSsoSettings } from './kibana-sso';

export interface KibanaProps {
  readonly config: KibanaConfig;
  readonly common: CommonConfig;
  readonly elasticsearch: ElasticsearchCluster;
  readonly pki: Pki;
  /** @default IMAGES.kibana */
  readonly image?: string;
}

const HOME = '/usr/share/kibana';

/** Kibana, talking to Elasticsearch over TLS as the built-in `kibana_system` user. */
export class Kibana extends Component {
  public readonly rendered: string;

  constructor(scope: Construct, id: string, props: KibanaProps) {
    const image = props.image ?? imageOf(scope, 'kibana');
    super(scope, id, {
      name: 'kibana',
      namespace: props.common.namespace,
      role: 'log-exploration',
      image,
      // TLS without client certificates: people reach the UI with a browser and log in.
      ports: [{ name: 'http', port: 5601, carries: 'Kibana UI (HTTPS)', tls: 'tls' }],
    });
    const es = props.elasticsearch;
    // A server only: Kibana logs in to Elasticsearch with a password and presents no certificate.
    const tls = props.pki.issue(this, ['server auth']);
    const esTrust = es.trust(tls);
    const settings: KibanaSettings = {
      'server.host': '0.0.0.0',
      'server.port': this.port('http').port,
      'server.name': this.name,
      'server.ssl.enabled': true,
      'server.ssl.certificate': tls.cert,
      'server.ssl.key': tls.key,
      'server.ssl.supportedProtocols': ['TLSv1.3'],
      'elasticsearch.hosts': [es.endpoint(this, 'https').url()],
      'elasticsearch.username': 'kibana_system',
      // elasticsearch.password and the encryption keys are secure settings: in the keystore (below).
      ...(esTrust.caFile ? { 'elasticsearch.ssl.certificateAuthorities': [esTrust.caFile] } : {}),
      'elasticsearch.ssl.verificationMode': 'full',
      'telemetry.optIn': false,
      'logging.root.level': props.common.logLevel,
      // Single sign-on through Elasticsearch's OIDC realm, the login form kept beside it.
      ...(props.config.sso ? kibanaSsoSettings(props.config.sso) : {}),
    };
    const sso = props.config.sso;
    if (sso) this.node.addValidation({ validate: () => kibanaSsoProblems(sso) });
    this.rendered = toYaml(settings);
    this.configMap('Config', this.name, { 'kibana.yml': this.rendered });
    this.serviceAccount();
    this.service();
    const { systemPassword, encryptionKey } = props.config;
    // Kibana reads its secrets from the keystore as if they were in kibana.yml; data, logs, plugins
    // and /tmp are emptyDirs (nothing there outlives the pod: Kibana keeps its state in Elasticsearch).
    const home = new ElasticHome({
      product: 'kibana',
      image,
      home: HOME,
      scratch: { data: '1Gi', logs: '1Gi', plugins: '256Mi' },
      secureSettings: {
        'elasticsearch.password': systemPassword,
        'xpack.encryptedSavedObjects.encryptionKey': encryptionKey,
        'xpack.security.encryptionKey': encryptionKey,
        'xpack.reporting.encryptionKey': encryptionKey,
      },
      resources: resourceRequirements(props.config.resources),
    });

    new k8s.KubeDeployment(this, 'Resource', {
      metadata: { name: this.name, labels: this.labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: this.selector },
        template: this.podTemplate({
          rendered: [this.rendered],
          uid: ELASTIC_UID,
          initContainers: [home.initContainer],
          containers: [
            {
              name: 'kibana',
              resources: props.config.resources,
              // /login answers 200 without credentials once Kibana has connected to Elasticsearch.
              livenessProbe: httpProbe('http', '/login', {
                initialDelaySeconds: 60,
                periodSeconds: 20,
                scheme: 'HTTPS',
              }),
              readinessProbe: httpProbe('http', '/login', {
                initialDelaySeconds: 20,
                periodSeconds: 10,
                scheme: 'HTTPS',
              }),
              volumeMounts: [
                ...home.mounts,
                { name: 'settings', mountPath: `${home.configDir}/kibana.yml`, subPath: 'kibana.yml', readOnly: true },
                tls.mount,
                ...esTrust.mounts,
              ],
            },
          ],
          volumes: [
            { name: 'settings', configMap: { name: this.name } },
            ...home.volumes,
            tls.volume,
            ...esTrust.volumes,
          ],
        }),
      },
    });
  }
}
