/** @module One collection pass over a BMC: cached GETs by link, tolerated per-resource failures, chassis resources by name. */
import { CollectError } from '../types.ts';
import { HttpStatusError } from './client.ts';
import type { Json, RedfishClient } from './client.ts';
import { at, link, matchesWhere, members } from './extract.ts';
import type { Profile, ResourceName } from './profile.ts';

/** A chassis as the walk sees it. */
export interface ChassisView {
  id: string;
  json: Json;
  /** ChassisType, or the profile's default when the BMC omits it. */
  type: string;
}

/**
 * State of one collect: every resource is fetched at most once, and a resource that is missing or
 * broken (404, HTML, bad JSON) is noted and skipped so the next source can be tried. Deadline, auth
 * and connection failures end the pass.
 */
export class Walk {
  readonly client: RedfishClient;
  readonly signal: AbortSignal;
  readonly profile: Profile;
  /** Tolerated failures, in order (the first one is reported when nothing at all was read). */
  readonly problems: CollectError[] = [];
  readonly #cache = new Map<string, Promise<Json | undefined>>();

  constructor(client: RedfishClient, signal: AbortSignal, profile: Profile) {
    this.client = client;
    this.signal = signal;
    this.profile = profile;
  }

  /** GETs a link once per pass; undefined when the resource is absent or unusable. */
  get(uri: string | undefined): Promise<Json | undefined> {
    if (uri === undefined) return Promise.resolve(undefined);
    let p = this.#cache.get(uri);
    if (p === undefined) {
      p = this.client.get(uri, this.signal).catch((err: unknown) => this.#tolerate(err));
      this.#cache.set(uri, p);
    }
    return p;
  }

  #tolerate(err: unknown): undefined {
    if (
      err instanceof CollectError &&
      (err instanceof HttpStatusError || err.kind === 'content_type' || err.kind === 'parse')
    ) {
      this.problems.push(err);
      return undefined;
    }
    throw err;
  }

  /** GETs every member of a collection link, in parallel (the client bounds requests in flight). */
  async collection(uri: string | undefined): Promise<Json[]> {
    const coll = await this.get(uri);
    if (coll === undefined) return [];
    const docs = await Promise.all(members(coll).map((m) => this.get(m)));
    return docs.filter((d): d is Json => d !== undefined);
  }

  /**
   * Lists chassis, skipping the ones whose status the profile says to skip (extra chassis answering 404). A
   * service whose root has no usable Chassis collection is followed through Systems/{id}/Links.Chassis.
   */
  async chassis(root: Json): Promise<ChassisView[]> {
    const coll = await this.get(link(root, 'Chassis'));
    let uris = members(coll);
    if (coll === undefined) {
      const systems = await this.collection(link(root, 'Systems'));
      uris = [...new Set(systems.flatMap((s) => members(s, 'Links.Chassis')))];
    }
    const out: ChassisView[] = [];
    const docs = await Promise.all(
      uris.map((m) =>
        this.client.get(m, this.signal).then(
          (j) => ({ m, j }),
          (err: unknown) => ({ m, err }),
        ),
      ),
    );
    for (const d of docs) {
      if ('err' in d) {
        // A listed chassis failing with a status the profile does not expect fails the target: it may be the server's.
        if (d.err instanceof HttpStatusError && this.profile.chassis.skip_status.includes(d.err.status)) {
          this.problems.push(d.err);
          continue;
        }
        throw d.err;
      }
      const type = typeof d.j['ChassisType'] === 'string' ? d.j['ChassisType'] : this.profile.chassis.default_type;
      out.push({ id: typeof d.j['Id'] === 'string' ? d.j['Id'] : d.m, json: d.j, type });
    }
    return out;
  }

  /** Chassis whose type the profile reads for whole-server values, most preferred type first, then BMC order. */
  serverChassis(all: ChassisView[]): ChassisView[] {
    const rank = (c: ChassisView): number => this.profile.chassis.types.indexOf(c.type);
    return all.filter((c) => rank(c) >= 0).sort((a, b) => rank(a) - rank(b));
  }

  /** The documents of a named resource of a chassis; collections give one document per member. */
  async resource(ch: ChassisView, name: ResourceName): Promise<Json[]> {
    const one = async (doc: Promise<Json | undefined>): Promise<Json[]> => {
      const d = await doc;
      return d === undefined ? [] : [d];
    };
    switch (name) {
      case 'Chassis':
        return [ch.json];
      case 'EnvironmentMetrics':
      case 'Power':
      case 'Thermal':
      case 'PowerSubsystem':
      case 'ThermalSubsystem':
        return one(this.get(link(ch.json, name)));
      case 'ThermalMetrics': {
        const ts = await this.get(link(ch.json, 'ThermalSubsystem'));
        return one(this.get(link(ts, 'ThermalMetrics')));
      }
      case 'Fans': {
        const ts = await this.get(link(ch.json, 'ThermalSubsystem'));
        return this.collection(link(ts, 'Fans'));
      }
      case 'Sensors':
        return this.collection(link(ch.json, 'Sensors'));
      case 'PowerSupplies': {
        const ps = await this.get(link(ch.json, 'PowerSubsystem'));
        const psus = await this.collection(link(ps, 'PowerSupplies'));
        // PowerSupplyMetrics lives one link further; merge it in as "Metrics" for the profile's paths.
        return Promise.all(psus.map(async (p) => ({ ...p, Metrics: (await this.get(link(p, 'Metrics'))) ?? {} })));
      }
    }
  }

  /** Rows of a source: the resource's documents, or the entries of `list` in them, filtered by `where`. */
  async rows(
    ch: ChassisView,
    source: { resource: ResourceName; list?: string; where?: Record<string, string[]> },
  ): Promise<unknown[]> {
    const docs = await this.resource(ch, source.resource);
    const rows =
      source.list === undefined
        ? docs
        : docs.flatMap((d) => {
            const l = at(d, source.list!);
            return Array.isArray(l) ? (l as unknown[]) : [];
          });
    return rows.filter((r) => matchesWhere(r, source.where));
  }
}
