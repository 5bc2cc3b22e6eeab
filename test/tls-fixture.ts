import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { TLS_DIR } from '../constructs/mtls';

/**
 * A throwaway CA and one certificate it signed (server and client auth, for `dnsNames` and `ips`), written by
 * openssl into `dir` under the file names cert-manager uses (ca.crt, tls.crt, tls.key as PKCS#8).
 */
export function writeTestCertificates(dir: string, dnsNames: readonly string[], ips: readonly string[] = []): void {
  fs.mkdirSync(dir, { recursive: true });
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-subj',
    '/CN=agent-o11y test CA',
    '-days',
    '1',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  openssl('req', ...ec, '-keyout', 'tls.key', '-out', 'tls.csr', '-subj', `/CN=${dnsNames[0]}`);
  fs.writeFileSync(
    path.join(dir, 'ext.cnf'),
    [
      `subjectAltName=${[...dnsNames.map((n) => `DNS:${n}`), ...ips.map((ip) => `IP:${ip}`)].join(',')}`,
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth,clientAuth',
    ].join('\n'),
  );
  openssl(
    'x509',
    '-req',
    '-in',
    'tls.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'tls.crt',
    '-days',
    '1',
    '-extfile',
    'ext.cnf',
  );
}

/** `text` with every certificate path moved from the pods' TLS directory to `dir`; nothing else changes. */
export function placeTlsFiles(text: string, dir: string): string {
  return text.split(`${TLS_DIR}/`).join(`${dir}/`);
}

/**
 * One throwaway CA and a certificate per component it signed, each in `dir/<name>/` under cert-manager's
 * file names (ca.crt, tls.crt, tls.key): what the stack's ClusterIssuer gives each component's Secret.
 * Every certificate is for its DNS names and for 127.0.0.1, where the tests run the components.
 */
export function writeTestPki(dir: string, leaves: Record<string, readonly string[]>): void {
  fs.mkdirSync(dir, { recursive: true });
  const openssl = (cwd: string, ...args: string[]) => execFileSync('openssl', args, { cwd, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    dir,
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-subj',
    '/CN=agent-o11y test CA',
    '-days',
    '1',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  for (const [name, dnsNames] of Object.entries(leaves)) {
    const leaf = path.join(dir, name);
    fs.mkdirSync(leaf, { recursive: true });
    fs.copyFileSync(path.join(dir, 'ca.crt'), path.join(leaf, 'ca.crt'));
    openssl(leaf, 'req', ...ec, '-keyout', 'tls.key', '-out', 'tls.csr', '-subj', `/CN=${dnsNames[0] ?? name}`);
    fs.writeFileSync(
      path.join(leaf, 'ext.cnf'),
      [
        `subjectAltName=${[...dnsNames.map((n) => `DNS:${n}`), 'IP:127.0.0.1'].join(',')}`,
        'keyUsage=critical,digitalSignature,keyEncipherment',
        'extendedKeyUsage=serverAuth,clientAuth',
      ].join('\n'),
    );
    openssl(
      leaf,
      'x509',
      '-req',
      '-in',
      'tls.csr',
      '-CA',
      path.join(dir, 'ca.crt'),
      '-CAkey',
      path.join(dir, 'ca.key'),
      '-CAcreateserial',
      '-out',
      'tls.crt',
      '-days',
      '1',
      '-extfile',
      'ext.cnf',
    );
  }
}
