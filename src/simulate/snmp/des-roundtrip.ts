/**
 * @module Runs one SNMPv3 MD5 + DES collection against a fresh simulator and prints the PDU power as JSON.
 * Spawned by snmp.test.ts with --openssl-legacy-provider, because OpenSSL 3 keeps DES in its legacy provider.
 */
import { startSnmpSimulator } from './simulator.ts';
import { createSnmpCollector } from '../../../collectors/snmp/snmp.ts';
import { testContext } from '../../../collectors/test-support.ts';
import { fixedPdu } from './test-devices.ts';

const sim = await startSnmpSimulator({
  devices: [fixedPdu('pdu-des')],
  users: [
    {
      name: 'ops-des',
      device: 'pdu-des',
      level: 'authPriv',
      authProtocol: 'md5',
      authKey: 'auth-secret-3',
      privProtocol: 'des',
      privKey: 'priv-secret-3',
    },
  ],
  host: '127.0.0.1',
  port: 0,
});
const c = createSnmpCollector(
  {
    host: '127.0.0.1',
    port: sim.port,
    version: '3',
    profiles: ['apc-rpdu2'],
    timeout_ms: 500,
    retries: 0,
    v3: {
      user: 'ops-des',
      level: 'authPriv',
      auth_protocol: 'md5',
      auth_key: 'env:A',
      priv_protocol: 'des',
      priv_key: 'env:P',
    },
  },
  testContext({ 'env:A': 'auth-secret-3', 'env:P': 'priv-secret-3' }),
);
try {
  const samples = await c.collect(AbortSignal.timeout(3000));
  console.log(JSON.stringify(samples.find((s) => s.signal === 'power_watts' && s.device === undefined)));
} finally {
  await c.close();
  await sim.close();
}
