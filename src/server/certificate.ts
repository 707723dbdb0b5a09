/**
 * Self-signed serving certificates, made with @peculiar/x509 on Node's WebCrypto (no hand-written
 * ASN.1). Used by `eks-auth init` and by the tests' loopback HTTPS servers.
 */
import 'reflect-metadata'; // @peculiar/x509's dependency injection (tsyringe) needs it loaded first
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

export interface SelfSignedCertificate {
  certPem: string;
  keyPem: string;
}

export interface CertificateRequest {
  /** DNS names for the SAN extension; the first is also the subject CN. */
  dnsNames: string[];
  /** IP addresses for the SAN extension. */
  ipAddresses: string[];
  validityDays: number;
  now?: Date;
}

function toPem(der: ArrayBuffer, label: string): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/**
 * An ECDSA P-256 certificate: kube-apiserver (Go crypto/tls) accepts it, and it is much faster to
 * make and to handshake with than RSA 2048, with equivalent strength (~128-bit).
 */
export async function createSelfSignedCertificate(request: CertificateRequest): Promise<SelfSignedCertificate> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const now = request.now ?? new Date();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '1'),
    name: `CN=${request.dnsNames[0] ?? request.ipAddresses[0] ?? 'eks-auth'}`,
    notBefore: new Date(now.getTime() - 5 * 60 * 1000),
    notAfter: new Date(now.getTime() + request.validityDays * 86400 * 1000),
    keys: keys as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'],
    signingAlgorithm: algorithm,
    extensions: [
      new x509.SubjectAlternativeNameExtension([
        ...request.dnsNames.map((value) => ({ type: 'dns' as const, value })),
        ...request.ipAddresses.map((value) => ({ type: 'ip' as const, value })),
      ]),
      // Self-signed and used as its own CA by kube-apiserver's webhook kubeconfig.
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { certPem: cert.toString('pem') + '\n', keyPem: toPem(pkcs8, 'PRIVATE KEY') };
}
