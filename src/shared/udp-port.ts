/** @module A UDP port on loopback that is free right now, for servers whose stack cannot bind port 0 (BACnet, snmpd, snmpsimd). */
import { createSocket } from 'node:dgram';

/** Binds port 0 on 127.0.0.1, reads the port the kernel gave, and releases it for the caller to bind. */
export async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
