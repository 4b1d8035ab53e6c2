/**
 * @module A BACnet/IP device simulator on the collector's own stack (@bacnet-js/client): answers
 * ReadProperty and ReadPropertyMultiple for a set of objects on a loopback UDP port, with the errors a
 * real device gives (unknown object, unknown property) and optionally without ReadPropertyMultiple.
 */
import { createSocket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type * as BacnetModule from '@bacnet-js/client';
import type { ChillerState, CrahState } from '../device-state.ts';

const bacnet = createRequire(import.meta.url)('@bacnet-js/client') as typeof BacnetModule.default;
const { ApplicationTag: Tag, PropertyIdentifier: Prop, ObjectType } = bacnet;

/** One simulated object: its present value (read live), the application tag it is sent in, its units code. */
export interface SimObject {
  value: () => number;
  tag: 'real' | 'enumerated' | 'unsigned';
  units?: number;
}

/** Options of one simulated device. */
export interface BacnetSimOptions {
  port: number;
  host?: string;
  deviceInstance: number;
  /** Objects by `<type code>:<instance>`. */
  objects: Map<string, SimObject>;
  /** false: refuse ReadPropertyMultiple with an error, as small controllers do. */
  readPropertyMultiple?: boolean;
}

/** A running simulated device. */
export interface BacnetSim {
  port: number;
  /** How many confirmed requests it answered, by service. */
  requests: { readProperty: number; readPropertyMultiple: number };
  close(): void;
}

type AppValue = { type: number; value: unknown };
const ERROR = (errorClass: number, errorCode: number): AppValue[] => [
  { type: Tag.ERROR, value: { type: 'BacnetError', errorClass, errorCode } },
];

function propertyValue(o: BacnetSimOptions, type: number, instance: number, property: number): AppValue[] {
  if (type === ObjectType.DEVICE) {
    if (instance !== o.deviceInstance) return ERROR(bacnet.ErrorClass.OBJECT, bacnet.ErrorCode.UNKNOWN_OBJECT);
    if (property === Prop.OBJECT_IDENTIFIER) return [{ type: Tag.OBJECTIDENTIFIER, value: { type, instance } }];
    return ERROR(bacnet.ErrorClass.PROPERTY, bacnet.ErrorCode.UNKNOWN_PROPERTY);
  }
  const object = o.objects.get(`${type}:${instance}`);
  if (!object) return ERROR(bacnet.ErrorClass.OBJECT, bacnet.ErrorCode.UNKNOWN_OBJECT);
  if (property === Prop.PRESENT_VALUE) {
    const tag = object.tag === 'real' ? Tag.REAL : object.tag === 'enumerated' ? Tag.ENUMERATED : Tag.UNSIGNED_INTEGER;
    return [{ type: tag, value: object.value() }];
  }
  if (property === Prop.UNITS && object.units !== undefined) return [{ type: Tag.ENUMERATED, value: object.units }];
  return ERROR(bacnet.ErrorClass.PROPERTY, bacnet.ErrorCode.UNKNOWN_PROPERTY);
}

const DEFAULT_BACNET_PORT = 47808;

/**
 * The device's UDP transport: the stack's own, except that a sender's address always carries its port. The
 * stack writes a sender on port 47808 as a bare "127.0.0.1" and then ignores requests from that address as its
 * own echo, so a simulated device on loopback would never answer an agent reading from the standard port.
 */
function loopbackTransport(port: number, host: string): EventEmitter {
  const socket = createSocket({ type: 'udp4' });
  const t = Object.assign(new EventEmitter(), {
    open: () => socket.bind(port, host),
    close: () => socket.close(),
    getMaxPayload: () => 1482,
    getBroadcastAddress: () => '255.255.255.255',
    send(buffer: Buffer, offset: number, receiver: string) {
      const [address, to] = receiver.split(':');
      socket.send(buffer, 0, offset, Number(to) || DEFAULT_BACNET_PORT, address);
    },
  });
  socket.on('message', (msg, rinfo) => t.emit('message', msg, `${rinfo.address}:${rinfo.port}`));
  socket.on('listening', () => t.emit('listening', socket.address()));
  socket.on('error', (err) => t.emit('error', err));
  socket.on('close', () => t.emit('close'));
  return t;
}

/** Starts a device on `options.port` (loopback by default). */
export function startBacnetDevice(options: BacnetSimOptions): BacnetSim {
  const server = new bacnet.default({ transport: loopbackTransport(options.port, options.host ?? '127.0.0.1') });
  const requests = { readProperty: 0, readPropertyMultiple: 0 };
  server.on('readProperty', (content) => {
    const { objectId, property } = content.payload;
    const sender = content.header!.sender;
    requests.readProperty++;
    const values = propertyValue(options, objectId.type, objectId.instance, property.id);
    if (values[0]!.type === Tag.ERROR) {
      const e = values[0]!.value as { errorClass: number; errorCode: number };
      server.errorResponse(
        sender,
        bacnet.ConfirmedServiceChoice.READ_PROPERTY,
        content.invokeId!,
        e.errorClass,
        e.errorCode,
      );
    } else server.readPropertyResponse(sender, content.invokeId!, objectId, property, values as never);
  });
  server.on('readPropertyMultiple', (content) => {
    const sender = content.header!.sender;
    requests.readPropertyMultiple++;
    if (options.readPropertyMultiple === false) {
      server.errorResponse(
        sender,
        bacnet.ConfirmedServiceChoice.READ_PROPERTY_MULTIPLE,
        content.invokeId!,
        bacnet.ErrorClass.SERVICES,
        bacnet.ErrorCode.SERVICE_REQUEST_DENIED,
      );
      return;
    }
    const values = content.payload.properties.map((spec) => ({
      objectId: spec.objectId,
      values: spec.properties.map((p) => ({
        property: p,
        value: propertyValue(options, spec.objectId.type, spec.objectId.instance, p.id),
      })),
    }));
    server.readPropertyMultipleResponse(sender, content.invokeId!, values);
  });
  return { port: options.port, requests, close: () => server.close() };
}

const KILOWATTS = 48;
const KILOWATT_HOURS = 19;
const DEGREES_FAHRENHEIT = 64;
const LITERS = 82;
const PERCENT = 98;
const PERCENT_RELATIVE_HUMIDITY = 29;
const DEGREES_CELSIUS = 62;

/**
 * A chiller on the objects of collectors/bacnet/profiles/chiller.yaml, in the units a US-built controller
 * uses (kW, kWh, °F, litres) so the collector's unit conversion is exercised on every read.
 */
export function chillerObjects(state: ChillerState | (() => ChillerState)): Map<string, SimObject> {
  const live = typeof state === 'function' ? state : () => state;
  const AI = ObjectType.ANALOG_INPUT;
  return new Map<string, SimObject>([
    [`${ObjectType.BINARY_INPUT}:1`, { value: () => (live().running ? 1 : 0), tag: 'enumerated' }],
    [`${ObjectType.BINARY_INPUT}:2`, { value: () => (live().alarms === 0 ? 0 : 1), tag: 'enumerated' }],
    [`${AI}:1`, { value: () => live().powerKw, tag: 'real', units: KILOWATTS }],
    [
      `${ObjectType.ACCUMULATOR}:1`,
      { value: () => Math.round(live().energyKwh), tag: 'unsigned', units: KILOWATT_HOURS },
    ],
    [`${AI}:2`, { value: () => (live().supplyCelsius * 9) / 5 + 32, tag: 'real', units: DEGREES_FAHRENHEIT }],
    [`${AI}:3`, { value: () => (live().returnCelsius * 9) / 5 + 32, tag: 'real', units: DEGREES_FAHRENHEIT }],
    [`${ObjectType.ANALOG_VALUE}:1`, { value: () => live().waterM3 * 1000, tag: 'real', units: LITERS }],
  ]);
}

/** A CRAH on the objects of collectors/bacnet/profiles/crah.yaml, in SI units (°C, %RH, %, kW, kWh). */
export function crahObjects(state: CrahState | (() => CrahState)): Map<string, SimObject> {
  const live = typeof state === 'function' ? state : () => state;
  const AI = ObjectType.ANALOG_INPUT;
  return new Map<string, SimObject>([
    [`${ObjectType.BINARY_INPUT}:1`, { value: () => (live().running ? 1 : 0), tag: 'enumerated' }],
    [`${ObjectType.BINARY_INPUT}:2`, { value: () => (live().alarms === 0 ? 0 : 1), tag: 'enumerated' }],
    [`${AI}:1`, { value: () => live().supplyAirCelsius, tag: 'real', units: DEGREES_CELSIUS }],
    [`${AI}:2`, { value: () => live().returnAirCelsius, tag: 'real', units: DEGREES_CELSIUS }],
    [`${AI}:3`, { value: () => live().humidityPercent, tag: 'real', units: PERCENT_RELATIVE_HUMIDITY }],
    [`${ObjectType.ANALOG_OUTPUT}:1`, { value: () => live().fanPercent, tag: 'real', units: PERCENT }],
    [`${AI}:4`, { value: () => live().powerKw, tag: 'real', units: KILOWATTS }],
    [
      `${ObjectType.ACCUMULATOR}:1`,
      { value: () => Math.round(live().energyKwh), tag: 'unsigned', units: KILOWATT_HOURS },
    ],
  ]);
}
