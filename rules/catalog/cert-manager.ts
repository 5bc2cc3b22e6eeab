import { metric, MetricCatalog } from './types';

/** The labels cert-manager gives a certificate's series: the Certificate's own name and namespace, and its issuer. */
const CERTIFICATE = ['name', 'namespace', 'issuer_name', 'issuer_kind', 'issuer_group'];

/**
 * What cert-manager's controller exports about the certificates it manages (the stack's mTLS
 * certificates among them), as far as the stack's certificate alerts read it. Its job honours the
 * series' `namespace` (the Certificate's, not the controller's). No cert-manager runs here: the names
 * and labels are read from cert-manager 1.19's source (internal/collectors/certificate_collector.go),
 * unchanged since 1.15.
 */
export const CERT_MANAGER: MetricCatalog = {
  name: 'cert-manager',
  source: 'cert-manager 1.15+ controller /metrics (internal/collectors/certificate_collector.go)',
  delivery: 'exporter',
  metrics: [
    metric(
      'certmanager_certificate_expiration_timestamp_seconds',
      'gauge',
      CERTIFICATE,
      'The timestamp after which the certificate expires, expressed in Unix Epoch Time',
    ),
    metric(
      'certmanager_certificate_renewal_timestamp_seconds',
      'gauge',
      CERTIFICATE,
      'The timestamp after which the certificate should be renewed, expressed in Unix Epoch Time',
    ),
    metric(
      'certmanager_certificate_ready_status',
      'gauge',
      [...CERTIFICATE, 'condition'],
      'The ready status of the certificate',
    ),
  ],
};
