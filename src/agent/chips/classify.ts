/** @module Chip classification: a reported CPU or accelerator → vendor, domestic or not, family, peak TFLOPS (from chips.yaml). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { compileSchema, formatProblem } from '../../shared/json-schema.ts';
import schema from './chips.schema.json' with { type: 'json' };

export type ChipKind = 'cpu' | 'accelerator';

export interface Peak {
  fp64: number | null;
  fp32: number | null;
  fp16: number | null;
}

export interface VendorRow {
  id: string;
  name: string;
  domestic: boolean;
  aliases?: string[];
  pci_vendor_ids?: string[];
  cpu_implementers?: string[];
  x86_vendor_ids?: string[];
  source: string;
  note?: string;
}

export interface ChipRow {
  vendor: string;
  kind: ChipKind;
  family: string;
  model: string;
  models?: string[];
  peak_tflops: Peak;
  source: string;
  note?: string;
}

export interface ChipTableFile {
  version: 1;
  vendors?: VendorRow[];
  chips?: ChipRow[];
}

/** What a collector reported about one chip (any field may be missing). */
export interface ChipQuery {
  kind: ChipKind;
  vendor?: string;
  model?: string;
  /** Four hex digits. */
  pciVendorId?: string;
  /** ARM MIDR implementer, 0xNN. */
  cpuImplementer?: string;
  /** x86 CPUID vendor string (GenuineIntel, HygonGenuine, ...). */
  x86VendorId?: string;
}

export interface Classification {
  /** True when a chip row (not only a vendor) matched. */
  known: boolean;
  vendor: string;
  vendorId: string | null;
  domestic: boolean;
  family: string | null;
  model: string | null;
  peak: Peak;
  /** How the vendor was recognised. */
  by: 'pci_vendor_id' | 'cpu_implementer' | 'x86_vendor_id' | 'vendor_name' | 'model' | 'none';
}

/** A chip table problem: names the file, the path inside it and the value. */
export class ChipTableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChipTableError';
  }
}

const validate = compileSchema<ChipTableFile>(schema);

/** The bundled table's path. */
export const BUILTIN_CHIPS = fileURLToPath(new URL('./chips.yaml', import.meta.url));

/** Reads and validates one chip-table file. */
export function readChipFile(file: string): ChipTableFile {
  let data: unknown;
  try {
    data = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ChipTableError(`${file}: ${(err as Error).message}`);
  }
  const problems = validate.problems(data);
  if (problems.length > 0) throw new ChipTableError(problems.map((p) => formatProblem(p, file)).join('\n'));
  const table = data as ChipTableFile;
  (table.chips ?? []).forEach((c, i) => {
    for (const [j, re] of (c.models ?? []).entries()) {
      try {
        new RegExp(re, 'iu');
      } catch (err) {
        throw new ChipTableError(
          `${file}: /chips/${i}/models/${j} is not a valid regular expression: ${(err as Error).message} (got ${JSON.stringify(re)})`,
        );
      }
    }
  });
  return table;
}

/**
 * Loads the bundled table plus operator files. Operator rows come first so they can correct or
 * refine a bundled row; every chip row must name a vendor defined in some file.
 */
export function loadChipTable(extraFiles: string[] = []): ChipClassifier {
  const files = [...extraFiles, BUILTIN_CHIPS];
  const vendors: VendorRow[] = [];
  const chips: ChipRow[] = [];
  const where = new Map<ChipRow, string>();
  for (const f of files) {
    const t = readChipFile(f);
    vendors.push(...(t.vendors ?? []));
    (t.chips ?? []).forEach((c, i) => {
      chips.push(c);
      where.set(c, `${f}: /chips/${i}/vendor`);
    });
  }
  const ids = new Set(vendors.map((v) => v.id));
  for (const c of chips) {
    if (!ids.has(c.vendor))
      throw new ChipTableError(`${where.get(c)} names no known vendor (got ${JSON.stringify(c.vendor)})`);
  }
  return new ChipClassifier(vendors, chips);
}

interface CompiledChip {
  row: ChipRow;
  patterns: RegExp[];
}

const NONE: Peak = { fp64: null, fp32: null, fp16: null };

function aliasMatcher(alias: string): RegExp {
  const escaped = alias.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // Word boundaries only make sense for ASCII names; CJK names match as substrings.
  return /^[\x20-\x7e]+$/.test(alias) ? new RegExp(`(^|[^a-z0-9])${escaped}($|[^a-z0-9])`) : new RegExp(escaped);
}

/** Classifies chips against a loaded table; results are memoized (inventories repeat every interval). */
export class ChipClassifier {
  readonly vendors: readonly VendorRow[];
  readonly chips: readonly ChipRow[];
  private readonly byPci = new Map<string, VendorRow>();
  private readonly byImpl = new Map<string, VendorRow>();
  private readonly byX86 = new Map<string, VendorRow>();
  private readonly aliases: Array<{ re: RegExp; vendor: VendorRow }> = [];
  private readonly compiled: CompiledChip[];
  private readonly memo = new Map<string, Classification>();

  constructor(vendors: VendorRow[], chips: ChipRow[]) {
    // Earlier rows win, so operator rows (listed first) override bundled ones.
    const seen = new Set<string>();
    this.vendors = vendors.filter((v) => (seen.has(v.id) ? false : (seen.add(v.id), true)));
    this.chips = chips;
    for (const v of this.vendors) {
      for (const id of v.pci_vendor_ids ?? []) if (!this.byPci.has(id)) this.byPci.set(id, v);
      for (const id of v.cpu_implementers ?? []) if (!this.byImpl.has(id)) this.byImpl.set(id, v);
      for (const id of v.x86_vendor_ids ?? []) if (!this.byX86.has(id)) this.byX86.set(id, v);
      for (const a of [v.name, ...(v.aliases ?? [])]) this.aliases.push({ re: aliasMatcher(a), vendor: v });
    }
    this.compiled = chips.map((row) => ({ row, patterns: (row.models ?? []).map((m) => new RegExp(m, 'iu')) }));
  }

  classify(q: ChipQuery): Classification {
    const key = JSON.stringify([q.kind, q.vendor, q.model, q.pciVendorId, q.cpuImplementer, q.x86VendorId]);
    let c = this.memo.get(key);
    if (c === undefined) {
      c = this.compute(q);
      if (this.memo.size > 10_000) this.memo.clear();
      this.memo.set(key, c);
    }
    return c;
  }

  private resolveVendor(q: ChipQuery): { vendor: VendorRow; by: Classification['by'] } | undefined {
    const pci = q.pciVendorId?.toLowerCase().replace(/^0x/, '');
    if (pci && this.byPci.has(pci)) return { vendor: this.byPci.get(pci)!, by: 'pci_vendor_id' };
    const impl = q.cpuImplementer?.toLowerCase();
    if (impl && this.byImpl.has(impl)) return { vendor: this.byImpl.get(impl)!, by: 'cpu_implementer' };
    for (const x of [q.x86VendorId, q.vendor]) {
      if (x === undefined) continue;
      const v = this.byX86.get(x) ?? this.byX86.get(x.trim());
      if (v) return { vendor: v, by: 'x86_vendor_id' };
    }
    // node_exporter may put the implementer code in the vendor label.
    if (q.vendor && /^0x[0-9a-f]{2}$/i.test(q.vendor.trim())) {
      const v = this.byImpl.get(q.vendor.trim().toLowerCase());
      if (v) return { vendor: v, by: 'cpu_implementer' };
    }
    const name = q.vendor?.toLowerCase();
    if (name) {
      for (const a of this.aliases) if (a.re.test(name)) return { vendor: a.vendor, by: 'vendor_name' };
    }
    const model = q.model?.toLowerCase();
    if (model) {
      for (const a of this.aliases) if (a.re.test(model)) return { vendor: a.vendor, by: 'model' };
    }
    return undefined;
  }

  private compute(q: ChipQuery): Classification {
    const model = q.model ?? '';
    const resolved = this.resolveVendor(q);
    let chip: ChipRow | undefined;
    if (resolved) {
      const rows = this.compiled.filter((c) => c.row.vendor === resolved.vendor.id && c.row.kind === q.kind);
      chip =
        rows.find((c) => c.patterns.length > 0 && c.patterns.some((p) => p.test(model)))?.row ??
        rows.find((c) => c.patterns.length === 0)?.row;
    } else if (model !== '') {
      // No vendor hint at all: a model pattern alone may still identify the chip (e.g. "3C5000").
      chip = this.compiled.find((c) => c.row.kind === q.kind && c.patterns.some((p) => p.test(model)))?.row;
    }
    const vendor = resolved?.vendor ?? (chip ? this.vendors.find((v) => v.id === chip.vendor) : undefined);
    if (!vendor) {
      return {
        known: false,
        vendor: q.vendor || 'unknown',
        vendorId: null,
        domestic: false,
        family: null,
        model: null,
        peak: NONE,
        by: 'none',
      };
    }
    return {
      known: chip !== undefined && (chip.models?.length ?? 0) > 0,
      vendor: vendor.name,
      vendorId: vendor.id,
      domestic: vendor.domestic,
      family: chip?.family ?? null,
      model: chip?.model ?? null,
      peak: chip?.peak_tflops ?? NONE,
      by: resolved?.by ?? 'model',
    };
  }
}
