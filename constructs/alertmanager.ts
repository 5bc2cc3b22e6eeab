import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { AlertmanagerConfig, CommonConfig, InhibitRule, SecretKeyRef } from '../src/config/types';
import { alertmanagerConfig, AlertmanagerConfigFile, alertmanagerProblems } from './alertmanager-config';
import { imageOf } from '../src/lib/images';
import { toYaml } from '../src/lib/render';
import { claimTemplate, Component, Peer, execProbe, secretKeys } from '../src/lib/component';
import { Pki, prometheusClientTls, TlsFiles, webConfig } from './mtls';
import { COMPONENTS } from '../src/lib/names';

export interface AlertmanagerProps {
  readonly config: AlertmanagerConfig;
  readonly common: CommonConfig;
  /** Issues Alertmanager's certificate: its web port and gossip require client certificates. */
  readonly pki: Pki;
  /** The active alert packs' inhibit rules (rules/packs.ts activeInhibitRules), after the config's. @default - none */
  readonly packInhibitRules?: readonly InhibitRule[];
  /** @default IMAGES.alertmanager */
  readonly image?: string;
}

const CONFIG_DIR = '/etc/alertmanager';
const SECRETS_DIR = '/etc/alertmanager/secrets';
const DATA_DIR = '/alertmanager';

/** alertmanager.yml as rendered (snake_case keys as Alertmanager reads them). */
/**
 * Alertmanager as a StatefulSet: routing tree, receivers and inhibit rules from config, every
 * credential read from a mounted Secret through a `*_file` field; 3+ replicas gossip as a cluster.
 */
export class Alertmanager extends Component {
  public readonly configFile: AlertmanagerConfigFile;
  public readonly rendered: string;
  /** Headless Service giving each peer a stable DNS name. */
  public readonly peersServiceName: string;
  /** Alertmanager's certificate files. */
  public readonly tls: TlsFiles;
  private readonly replicas: number;

  constructor(scope: Construct, id: string, props: AlertmanagerProps) {
    const image = props.image ?? imageOf(scope, 'alertmanager');
    super(scope, id, {
      name: COMPONENTS.alertmanager,
      namespace: props.common.namespace,
      role: 'alert-routing',
      image,
      ports: [
        { name: 'web', port: 9093, carries: 'alerts from Prometheus (API v2), UI, /metrics', tls: 'mtls' },
        // Gossip over mutual TLS runs on TCP only (memberlist's TLS transport): no UDP port.
        { name: 'cluster', port: 9094, carries: 'gossip between Alertmanager peers', tls: 'mtls' },
      ],
    });
    const config = props.config;
    // Its config's rules, reported at synth (and by buildStack for the whole stack at once).
    this.node.addValidation({ validate: () => alertmanagerProblems(config) });
    this.replicas = config.replicas;
    this.peersServiceName = `${this.name}-peers`;
    // Prometheus addresses each peer by its own name under the headless Service.
    this.tls = props.pki.issue(
      this,
      ['server auth', 'client auth'],
      [`*.${this.peersServiceName}.${this.namespace}.svc`],
    );
    const tls = this.tls;

    const secrets = new Map<string, Set<string>>();
    const file = (ref: SecretKeyRef): string => {
      if (!secrets.has(ref.secretName)) secrets.set(ref.secretName, new Set());
      secrets.get(ref.secretName)!.add(ref.key);
      return `${SECRETS_DIR}/${ref.secretName}/${ref.key}`;
    };
    this.configFile = alertmanagerConfig(config, file, props.packInhibitRules ?? []);
    this.rendered = toYaml(this.configFile);
    const peers = config.replicas > 1 ? this.peerEndpoints(this, 'cluster') : [];
    const tlsFiles: Record<string, string> = {
      'web.yml': toYaml(webConfig(tls, 'RequireAndVerifyClientCert')),
      // amtool's client settings for the probes: it connects to 127.0.0.1, which the certificate does not name.
      'probe-http.yml': toYaml({ tls_config: prometheusClientTls(tls, this.port('web'), this.host) }),
      ...(peers.length > 0
        ? {
            // Peers advertise pod IPs: verify each against the Service name on every certificate.
            'cluster-tls.yml': toYaml({
              ...webConfig(tls, 'RequireAndVerifyClientCert'),
              tls_client_config: prometheusClientTls(tls, this.port('cluster'), this.host),
            }),
          }
        : {}),
    };
    this.configMap('Config', this.name, { 'alertmanager.yml': this.rendered, ...tlsFiles });

    this.serviceAccount();
    this.service('Service', { ports: [this.port('web')] });
    this.service('PeersService', { name: this.peersServiceName, headless: true });

    const secretNames = [...secrets.keys()].sort();
    new k8s.KubeStatefulSet(this, 'Resource', {
      metadata: { name: this.name, labels: this.labels },
      spec: {
        serviceName: this.peersServiceName,
        replicas: config.replicas,
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: this.selector },
        template: this.podTemplate({
          rendered: [this.rendered, ...Object.values(tlsFiles)],
          uid: 65534,
          replicas: config.replicas,
          containers: [
            {
              name: 'alertmanager',
              args: [
                '--config.file=/etc/alertmanager/alertmanager.yml',
                `--storage.path=${DATA_DIR}`,
                '--web.listen-address=0.0.0.0:9093',
                `--web.config.file=${CONFIG_DIR}/web.yml`,
                `--log.level=${props.common.logLevel}`,
                ...(peers.length > 0
                  ? [
                      '--cluster.listen-address=0.0.0.0:9094',
                      '--cluster.advertise-address=$(POD_IP):9094',
                      `--cluster.tls-config=${CONFIG_DIR}/cluster-tls.yml`,
                      ...peers.map((p) => `--cluster.peer=${p}`),
                    ]
                  : ['--cluster.listen-address=']),
              ],
              env: [{ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }],
              resources: config.resources,
              // The web port requires a client certificate, which kubelet probes cannot present: the
              // image's amtool asks the status API with Alertmanager's own certificate.
              livenessProbe: execProbe(amtoolProbe(this.port('web').port)),
              readinessProbe: execProbe(amtoolProbe(this.port('web').port), {
                initialDelaySeconds: 3,
                periodSeconds: 5,
              }),
              volumeMounts: [
                ...['alertmanager.yml', ...Object.keys(tlsFiles)].map((f) => ({
                  name: 'config',
                  mountPath: `${CONFIG_DIR}/${f}`,
                  subPath: f,
                  readOnly: true,
                })),
                tls.mount,
                { name: 'data', mountPath: DATA_DIR },
                ...secretNames.map((s) => ({
                  name: `secret-${s}`,
                  mountPath: `${SECRETS_DIR}/${s}`,
                  readOnly: true,
                })),
              ],
            },
          ],
          volumes: [
            { name: 'config', configMap: { name: this.name } },
            tls.volume,
            ...secretNames.map((s) => secretKeys(`secret-${s}`, s, [...secrets.get(s)!].sort())),
          ],
        }),
        volumeClaimTemplates: [claimTemplate('data', config.storage, this.labels)],
      },
    });
    this.disruptionBudget(config.replicas);
  }

  /** Each peer's `host:port`: Prometheus must send every alert to every peer, not through a load balancer. */
  public peerEndpoints(from: Peer, portName: string): string[] {
    return Array.from(
      { length: this.replicas },
      (_, i) => this.endpoint(from, portName, { service: this.peersServiceName, pod: `${this.name}-${i}` }).hostPort,
    );
  }
}

/** The probe command: amtool in the image reads the status API over mTLS with the pod's own certificate. */
function amtoolProbe(port: number): string[] {
  return [
    'amtool',
    `--alertmanager.url=https://127.0.0.1:${port}`,
    `--http.config.file=${CONFIG_DIR}/probe-http.yml`,
    'config',
    'show',
  ];
}
