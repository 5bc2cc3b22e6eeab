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
  openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=agent-o11y test CA', '-days', '1',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  openssl('req', ...ec, '-keyout', 'tls.key', '-out', 'tls.csr', '-subj', `/CN=${dnsNames[0]}`);
  fs.writeFileSync(path.join(dir, 'ext.cnf'), [
    `subjectAltName=${[...dnsNames.map((n) => `DNS:${n}`), ...ips.map((ip) => `IP:${ip}`)].join(',')}`,
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth,clientAuth',
  ].join('\n'));
  openssl('x509', '-req', '-in', 'tls.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'tls.crt', '-days', '1', '-extfile', 'ext.cnf');
}

/** `text` with every certificate path moved from the pods' TLS directory to `dir`; nothing else changes. */
export function placeTlsFiles(text: string, dir: string): string {
  return text.split(`${TLS_DIR}/`).join(`${dir}/`);
}
