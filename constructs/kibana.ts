import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { CommonConfig, KibanaConfig } from '../src/config/types';
import { IMAGES } from '../src/lib/images';
import { toYaml } from '../src/lib/render';
import {
  Component, containerPorts, containerSecurity, httpProbe, podSecurity, resourceRequirements,
} from '../src/lib/component';
import { Elasticsearch } from './elasticsearch';
import { Pki } from './mtls';

export interface KibanaProps {
  readonly config: KibanaConfig;
  readonly common: CommonConfig;
  readonly elasticsearch: Elasticsearch;
  readonly pki: Pki;
  /** @default IMAGES.kibana */
  readonly image?: string;
}

/** Kibana, talking to Elasticsearch over TLS as the built-in `kibana_system` user. */
export class Kibana extends Component {
  public readonly rendered: string;

  constructor(scope: Construct, id: string, props: KibanaProps) {
    const image = props.image ?? IMAGES.kibana;
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
    this.rendered = toYaml({
      'server.host': '0.0.0.0',
      'server.port': this.port('http').port,
      'server.name': this.name,
      'server.ssl.enabled': true,
      'server.ssl.certificate': tls.cert,
      'server.ssl.key': tls.key,
      'server.ssl.supportedProtocols': ['TLSv1.3'],
      'elasticsearch.hosts': [es.endpoint(this, 'https').url()],
      'elasticsearch.username': 'kibana_system',
      // Kibana substitutes environment variables in kibana.yml; the values come from Secrets.
      'elasticsearch.password': '${KIBANA_SYSTEM_PASSWORD}',
      'elasticsearch.ssl.certificateAuthorities': [tls.ca],
      'elasticsearch.ssl.verificationMode': 'full',
      'xpack.encryptedSavedObjects.encryptionKey': '${KIBANA_ENCRYPTION_KEY}',
      'xpack.security.encryptionKey': '${KIBANA_ENCRYPTION_KEY}',
      'xpack.reporting.encryptionKey': '${KIBANA_ENCRYPTION_KEY}',
      'telemetry.optIn': false,
      'logging.root.level': props.common.logLevel === 'warn' ? 'warn' : props.common.logLevel,
    });
    this.configMap('Config', this.name, { 'kibana.yml': this.rendered });
    this.serviceAccount();
    this.service();
    const secretEnv = (name: string, ref: { secretName: string; key: string }): k8s.EnvVar => ({
      name, valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key } },
    });

    new k8s.KubeDeployment(this, 'Resource', {
      metadata: { name: this.name, labels: this.labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: this.selector },
        template: {
          metadata: { labels: this.labels, annotations: this.podAnnotations(this.rendered) },
          spec: {
            serviceAccountName: this.name,
            automountServiceAccountToken: false,
            securityContext: podSecurity(1000, 1000),
            containers: [{
              name: 'kibana',
              image,
              env: [
                secretEnv('KIBANA_SYSTEM_PASSWORD', props.config.systemPassword),
                secretEnv('KIBANA_ENCRYPTION_KEY', props.config.encryptionKey),
              ],
              ports: containerPorts(this.ports),
              resources: resourceRequirements(props.config.resources),
              // Kibana writes optimizer caches under its home directory.
              securityContext: containerSecurity(false),
              // /login answers 200 without credentials once Kibana has connected to Elasticsearch.
              livenessProbe: httpProbe('http', '/login', { initialDelaySeconds: 60, periodSeconds: 20, scheme: 'HTTPS' }),
              readinessProbe: httpProbe('http', '/login', { initialDelaySeconds: 20, periodSeconds: 10, scheme: 'HTTPS' }),
              volumeMounts: [
                { name: 'config', mountPath: '/usr/share/kibana/config/kibana.yml', subPath: 'kibana.yml', readOnly: true },
                tls.mount,
              ],
            }],
            volumes: [{ name: 'config', configMap: { name: this.name } }, tls.volume],
          },
        },
      },
    });
  }
}
