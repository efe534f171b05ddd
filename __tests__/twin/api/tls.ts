// A throwaway certificate authority and serving certificate for the twin's HTTPS API. Made with the
// openssl CLI (EC P-256 keys keep it well under a second) so clients can verify TLS for real: the
// kubeconfig carries the CA, and a client given another CA must fail.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tool } from '../../helpers/tools.ts';

const run = promisify(execFile);
const OPENSSL = tool('openssl');

export interface ServingCertificates {
  caPem: string;
  certPem: string;
  keyPem: string;
}

/** A fresh CA and a server certificate it signed, valid for 127.0.0.1 and localhost. */
export async function makeServingCertificates(commonName = 'twin-apiserver'): Promise<ServingCertificates> {
  const dir = await mkdtemp(join(tmpdir(), 'twin-tls-'));
  const p = (f: string) => join(dir, f);
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    await run(OPENSSL, [
      'req',
      '-x509',
      ...ecKey,
      '-keyout',
      p('ca.key'),
      '-out',
      p('ca.crt'),
      '-days',
      '7',
      '-subj',
      '/CN=twin-ca',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    await run(OPENSSL, [
      'req',
      ...ecKey,
      '-keyout',
      p('srv.key'),
      '-out',
      p('srv.csr'),
      '-subj',
      `/CN=${commonName}`,
    ]);
    await writeFile(
      p('ext.cnf'),
      [
        'basicConstraints=CA:FALSE',
        'keyUsage=critical,digitalSignature,keyEncipherment',
        'extendedKeyUsage=serverAuth',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ].join('\n'),
    );
    await run(OPENSSL, [
      'x509',
      '-req',
      '-in',
      p('srv.csr'),
      '-CA',
      p('ca.crt'),
      '-CAkey',
      p('ca.key'),
      '-set_serial',
      '2',
      '-days',
      '7',
      '-extfile',
      p('ext.cnf'),
      '-out',
      p('srv.crt'),
    ]);
    const [caPem, certPem, keyPem] = await Promise.all(
      ['ca.crt', 'srv.crt', 'srv.key'].map((f) => readFile(p(f), 'utf8')),
    );
    return { caPem, certPem, keyPem };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
