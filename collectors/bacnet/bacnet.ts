/** @module The BACnet/IP TargetCollector: present values of a point list, read with ReadPropertyMultiple. */
import type { CollectReport, CollectorContext, MissingReading, Sample, TargetCollector } from '../types.ts';
import { CollectError } from '../types.ts';
import { acquire, bacnet, type Lease, type ObjectReading } from './client.ts';
import { resolveTarget, type ResolvedPoint } from './config.ts';
import type { PointUnits } from './types.ts';
import { BACNET_UNITS, conversion } from './units.ts';

function tidy(v: number): number {
  return Number.parseFloat(v.toPrecision(12));
}

/**
 * Validates `config` and builds the collector; the shared socket is opened on first collect.
 * @example
 * const c = createBacnetCollector({ host: '10.30.0.9', profile: 'chiller' }, ctx);
 */
export function createBacnetCollector(raw: unknown, context: CollectorContext): TargetCollector {
  const { config, points } = resolveTarget(raw);
  const address = `${config.host}:${config.port ?? 47808}`;
  const timeoutMs = config.timeout_ms ?? 3000;
  const batch = config.max_objects_per_request ?? 20;
  let useRpm = config.read_property_multiple ?? true;
  let lease: Lease | undefined;
  let deviceChecked = false;
  /** Units of analog points (a configuration property: read once, then only present values). */
  const units = new Map<string, PointUnits>();
  let last: CollectReport = { produced: [], missing: [] };

  async function checkDevice(l: Lease, signal: AbortSignal): Promise<void> {
    const id = config.device_instance!;
    try {
      await l.readOne(
        address,
        bacnet.ObjectType.DEVICE,
        id,
        bacnet.PropertyIdentifier.OBJECT_IDENTIFIER,
        timeoutMs,
        signal,
      );
    } catch (error) {
      if ((error as CollectError).kind === 'timeout') throw error;
      throw new CollectError('protocol', `${address} is not BACnet device ${id}: ${(error as Error).message}`);
    }
  }

  async function readPoints(l: Lease, signal: AbortSignal): Promise<ObjectReading[]> {
    const wantUnits = (p: ResolvedPoint) => p.hasUnits && (p.units ?? 'auto') === 'auto' && !units.has(p.name);
    if (useRpm) {
      try {
        const out: ObjectReading[] = [];
        for (let i = 0; i < points.length; i += batch) {
          const slice = points.slice(i, i + batch);
          const objects = slice.map((p) => ({ type: p.type, instance: p.instance, units: wantUnits(p) }));
          out.push(...(await l.readMultiple(address, objects, timeoutMs, signal)));
        }
        return out;
      } catch (error) {
        if ((error as CollectError).kind === 'timeout') throw error;
        // A device without ReadPropertyMultiple rejects or aborts it; ReadProperty is in every device.
        context.log('info', 'BACnet device refused ReadPropertyMultiple; reading each property instead', {
          address,
          error: (error as Error).message,
        });
        useRpm = false;
      }
    }
    const out: ObjectReading[] = [];
    for (const p of points) {
      const reading: ObjectReading = {};
      try {
        reading.value = await l.readOne(
          address,
          p.type,
          p.instance,
          bacnet.PropertyIdentifier.PRESENT_VALUE,
          timeoutMs,
          signal,
        );
        if (wantUnits(p))
          reading.units = await l.readOne(
            address,
            p.type,
            p.instance,
            bacnet.PropertyIdentifier.UNITS,
            timeoutMs,
            signal,
          );
      } catch (error) {
        if ((error as CollectError).kind === 'timeout') throw error;
        reading.error = (error as Error).message.replace(/^ReadProperty \S+ \S+ property \d+: /, '');
      }
      out.push(reading);
    }
    return out;
  }

  function toSample(p: ResolvedPoint, r: ObjectReading, missing: MissingReading[]): Sample | undefined {
    const where = `${address} ${p.object}`;
    if (r.error !== undefined) {
      if (p.expected ?? true) missing.push({ reading: p.name, detail: `${where}: ${r.error}` });
      return undefined;
    }
    if (typeof r.value !== 'number' || !Number.isFinite(r.value)) {
      missing.push({ reading: p.name, detail: `${where}: present-value ${JSON.stringify(r.value)} is not a number` });
      return undefined;
    }
    if (r.units !== undefined)
      units.set(p.name, BACNET_UNITS[r.units as number] ?? (`code ${String(r.units)}` as PointUnits));
    const unit = p.units && p.units !== 'auto' ? p.units : p.hasUnits ? (units.get(p.name) ?? 'none') : 'none';
    const convert = conversion(p.signal, unit);
    if (typeof convert === 'string') {
      missing.push({ reading: p.name, detail: `${where}: ${convert}` });
      return undefined;
    }
    if (!p.signal) return undefined;
    const base = r.value % 1 === 0 ? r.value : Number.parseFloat(r.value.toPrecision(7)); // REAL is a float32
    const sample: Sample = { signal: p.signal, value: tidy(convert(base) * (p.scale ?? 1) + (p.offset ?? 0)) };
    if (p.device) sample.device = p.device;
    const labels: Record<string, string> = { ...p.labels };
    if (p.states) labels.state = p.states[String(r.value)] ?? p.states_default ?? 'unknown';
    if (Object.keys(labels).length > 0) sample.labels = labels;
    return sample;
  }

  return {
    async collect(signal: AbortSignal): Promise<Sample[]> {
      lease ??= acquire(config.local_port ?? 47808);
      if (config.device_instance !== undefined && !deviceChecked) {
        await checkDevice(lease, signal);
        deviceChecked = true;
      }
      const readings = await readPoints(lease, signal);
      const samples: Sample[] = [];
      const missing: MissingReading[] = [];
      points.forEach((p, i) => {
        const s = toSample(p, readings[i]!, missing);
        if (s) samples.push(s);
      });
      if (samples.length === 0 && missing.length > 0)
        throw new CollectError('protocol', `no point could be read: ${missing.map((m) => m.detail).join('; ')}`);
      last = {
        produced: samples.length > 0 ? [{ profile: config.profile ?? 'points', samples: samples.length }] : [],
        missing,
      };
      return samples;
    },
    report: () => last,
    async close(): Promise<void> {
      lease?.release();
      lease = undefined;
    },
  };
}
