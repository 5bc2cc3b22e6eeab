import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { toYaml } from '../src/lib/render';
import { Component, ComponentProps, ContainerOptions, PodOptions } from '../src/lib/component';
import { Pki, TlsFiles, webConfig } from './mtls';

/** The uid of the exporters' images' `nobody`: they write nothing. */
const NOBODY = 65534;

/**
 * A Prometheus exporter of the stack (node-exporter, kube-state-metrics, the Elasticsearch exporter):
 * one `metrics` port that requires a client certificate from the stack CA, from the Prometheus
 * exporter toolkit's web config mounted at `<configDir>/web.yml`; probed by TCP (a kubelet probe
 * presents no certificate); running as the image's `nobody`.
 */
export abstract class Exporter extends Component {
  public readonly tls: TlsFiles;
  /** The rendered web config (TLS). */
  public readonly webConfig: string;
  /** Where the container reads its web config. */
  public readonly webConfigFile: string;

  protected constructor(
    scope: Construct,
    id: string,
    props: ComponentProps & { readonly pki: Pki; readonly configDir: string },
  ) {
    super(scope, id, props);
    this.tls = props.pki.issue(this, ['server auth']);
    this.webConfig = toYaml(webConfig(this.tls, 'RequireAndVerifyClientCert'));
    this.webConfigFile = `${props.configDir}/web.yml`;
    this.configMap('Config', this.name, { 'web.yml': this.webConfig });
  }

  /** The exporter's pod: its container probed by TCP with the web config and certificate mounted. */
  protected exporterPod(
    container: ContainerOptions,
    pod: Omit<PodOptions, 'containers'> & { readonly volumes?: readonly k8s.Volume[] } = {},
  ): PodOptions {
    const probe = { tcpSocket: { port: k8s.IntOrString.fromString('metrics') }, periodSeconds: 10 };
    return {
      rendered: [this.webConfig],
      uid: NOBODY,
      ...pod,
      containers: [
        {
          livenessProbe: { ...probe, initialDelaySeconds: 5 },
          readinessProbe: probe,
          ...container,
          volumeMounts: [
            { name: 'config', mountPath: this.webConfigFile, subPath: 'web.yml', readOnly: true },
            ...(container.volumeMounts ?? []),
            this.tls.mount,
          ],
        },
      ],
      volumes: [{ name: 'config', configMap: { name: this.name } }, ...(pod.volumes ?? []), this.tls.volume],
    };
  }
}
