/**
 * @module Test harness: certificates made at test time with the openssl command line (a CA, and server or
 * client certificates it signs), for TLS and mTLS tests. Nothing is checked in; keys are EC P-256.
 *
 *   const ca = makeCa(dir, 'dims test CA');
 *   const hub = makeCert(ca, dir, 'hub', { cn: 'localhost', ip: '127.0.0.1' });   // { cert, key } paths
 *   const agent = makeCert(ca, dir, 'gz-01', { cn: 'gz-01' });
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Ca {
  cert: string;
  key: string;
}

export interface Cert {
  cert: string;
  key: string;
}

function openssl(args: string[]): void {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.error)
    throw new Error(`openssl is needed to make test certificates (apt-get install openssl): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
}

/** A self-signed CA in `dir` (`<name>.crt`, `<name>.key`). */
export function makeCa(dir: string, name: string): Ca {
  const file = name.replace(/[^a-z0-9]+/gi, '-');
  const ca = { cert: join(dir, `${file}.crt`), key: join(dir, `${file}.key`) };
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', ca.key]);
  openssl([
    'req',
    '-x509',
    '-new',
    '-key',
    ca.key,
    '-out',
    ca.cert,
    '-days',
    '30',
    '-subj',
    `/CN=${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return ca;
}

/**
 * A certificate signed by `ca` with subject CN `cn` and, for a server, subject alternative names
 * (`ip`, `dns`). `file` names `<file>.crt` and `<file>.key` in `dir`.
 */
export function makeCert(
  ca: Ca,
  dir: string,
  file: string,
  o: { cn: string; ip?: string; dns?: string; days?: number },
): Cert {
  const c = { cert: join(dir, `${file}.crt`), key: join(dir, `${file}.key`) };
  const csr = join(dir, `${file}.csr`);
  const ext = join(dir, `${file}.ext`);
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', c.key]);
  openssl(['req', '-new', '-key', c.key, '-out', csr, '-subj', `/CN=${o.cn}`]);
  const san = [o.ip ? `IP:${o.ip}` : '', o.dns ? `DNS:${o.dns}` : ''].filter(Boolean).join(',');
  writeFileSync(
    ext,
    `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\n${san ? `subjectAltName=${san}\n` : ''}`,
  );
  openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-CAcreateserial',
    '-out',
    c.cert,
    '-days',
    String(o.days ?? 30),
    '-extfile',
    ext,
  ]);
  return c;
}
