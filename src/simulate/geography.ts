/**
 * @module Where simulated centers stand: the 31 provinces and 东数西算 clusters from the catalog's reference
 * tables, plus the per-province facts the physics needs (cities, altitude, climate, chip mix).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CATALOG_DIR } from '../catalog/paths.ts';

export interface ProvinceRef {
  code: string;
  zh: string;
  en: string;
  abbr: string;
  hub_node: string | null;
  lat: number;
  lon: number;
}

export interface ClusterRef {
  id: string;
  province: string;
}

/** A city a center may stand in; `cluster` when the city hosts a 东数西算 cluster. */
export interface City {
  /** English name (as it is romanised) and Chinese name. */
  name: string;
  zh: string;
  altitudeKm: number;
  cluster?: string;
  /** Offset from the province's capital point, degrees (for maps). */
  dLat?: number;
  dLon?: number;
}

/** Climate of a site: annual mean, seasonal and diurnal half-ranges of the outdoor temperature, °C. */
export interface Climate {
  meanC: number;
  seasonalC: number;
  diurnalC: number;
}

// Capital first. Altitudes matter for the highland provinces (Yunnan, Guizhou, Tibet, Qinghai, Gansu).
const CITIES: Record<string, City[]> = {
  '11': [{ name: 'Beijing', zh: '北京', altitudeKm: 0.05 }],
  '12': [{ name: 'Tianjin', zh: '天津', altitudeKm: 0.01 }],
  '13': [
    { name: 'Shijiazhuang', zh: '石家庄', altitudeKm: 0.08 },
    { name: 'Zhangjiakou', zh: '张家口', altitudeKm: 0.72, cluster: 'zhangjiakou', dLat: 2.8, dLon: 0.4 },
    { name: 'Langfang', zh: '廊坊', altitudeKm: 0.02, dLat: 1.5, dLon: 2.2 },
  ],
  '14': [
    { name: 'Taiyuan', zh: '太原', altitudeKm: 0.8 },
    { name: 'Datong', zh: '大同', altitudeKm: 1.05, dLat: 2.2, dLon: 0.8 },
  ],
  '15': [
    { name: 'Hohhot', zh: '呼和浩特', altitudeKm: 1.05 },
    { name: 'Horinger', zh: '和林格尔', altitudeKm: 1.1, cluster: 'helingeer', dLat: -0.4, dLon: 0.1 },
    { name: 'Ulanqab', zh: '乌兰察布', altitudeKm: 1.4, dLat: 0.2, dLon: 1.4 },
  ],
  '21': [
    { name: 'Shenyang', zh: '沈阳', altitudeKm: 0.05 },
    { name: 'Dalian', zh: '大连', altitudeKm: 0.03, dLat: -2.9, dLon: -1.8 },
  ],
  '22': [{ name: 'Changchun', zh: '长春', altitudeKm: 0.2 }],
  '23': [
    { name: 'Harbin', zh: '哈尔滨', altitudeKm: 0.15 },
    { name: 'Daqing', zh: '大庆', altitudeKm: 0.15, dLat: 0.8, dLon: -1.5 },
  ],
  '31': [
    { name: 'Shanghai', zh: '上海', altitudeKm: 0.01 },
    { name: 'Qingpu', zh: '青浦', altitudeKm: 0.01, cluster: 'changsanjiao_demo', dLat: -0.08, dLon: -0.35 },
  ],
  '32': [
    { name: 'Nanjing', zh: '南京', altitudeKm: 0.02 },
    { name: 'Suzhou', zh: '苏州', altitudeKm: 0.01, dLat: -0.8, dLon: 1.9 },
    { name: 'Wuxi', zh: '无锡', altitudeKm: 0.01, dLat: -0.5, dLon: 1.5 },
  ],
  '33': [
    { name: 'Hangzhou', zh: '杭州', altitudeKm: 0.02 },
    { name: 'Ningbo', zh: '宁波', altitudeKm: 0.01, dLat: -0.4, dLon: 1.4 },
  ],
  '34': [
    { name: 'Hefei', zh: '合肥', altitudeKm: 0.03 },
    { name: 'Wuhu', zh: '芜湖', altitudeKm: 0.02, cluster: 'wuhu', dLat: -0.5, dLon: 1.2 },
  ],
  '35': [
    { name: 'Fuzhou', zh: '福州', altitudeKm: 0.01 },
    { name: 'Xiamen', zh: '厦门', altitudeKm: 0.01, dLat: -1.6, dLon: -1.2 },
  ],
  '36': [{ name: 'Nanchang', zh: '南昌', altitudeKm: 0.03 }],
  '37': [
    { name: 'Jinan', zh: '济南', altitudeKm: 0.05 },
    { name: 'Qingdao', zh: '青岛', altitudeKm: 0.02, dLat: -0.6, dLon: 3.3 },
  ],
  '41': [{ name: 'Zhengzhou', zh: '郑州', altitudeKm: 0.1 }],
  '42': [{ name: 'Wuhan', zh: '武汉', altitudeKm: 0.03 }],
  '43': [{ name: 'Changsha', zh: '长沙', altitudeKm: 0.05 }],
  '44': [
    { name: 'Guangzhou', zh: '广州', altitudeKm: 0.01 },
    { name: 'Shenzhen', zh: '深圳', altitudeKm: 0.01, dLat: -0.6, dLon: 0.8 },
    { name: 'Shaoguan', zh: '韶关', altitudeKm: 0.07, cluster: 'shaoguan', dLat: 1.7, dLon: 0.3 },
  ],
  '45': [{ name: 'Nanning', zh: '南宁', altitudeKm: 0.08 }],
  '46': [{ name: 'Haikou', zh: '海口', altitudeKm: 0.01 }],
  '50': [{ name: 'Chongqing', zh: '重庆', altitudeKm: 0.25, cluster: 'chongqing' }],
  '51': [
    { name: 'Chengdu', zh: '成都', altitudeKm: 0.5 },
    { name: 'Tianfu', zh: '天府', altitudeKm: 0.45, cluster: 'tianfu', dLat: -0.3, dLon: 0.2 },
  ],
  '52': [
    { name: 'Guiyang', zh: '贵阳', altitudeKm: 1.1 },
    { name: "Gui'an", zh: '贵安', altitudeKm: 1.2, cluster: 'guian', dLat: -0.1, dLon: -0.3 },
  ],
  '53': [{ name: 'Kunming', zh: '昆明', altitudeKm: 1.9 }],
  '54': [{ name: 'Lhasa', zh: '拉萨', altitudeKm: 3.65 }],
  '61': [{ name: "Xi'an", zh: '西安', altitudeKm: 0.4 }],
  '62': [
    { name: 'Lanzhou', zh: '兰州', altitudeKm: 1.5 },
    { name: 'Qingyang', zh: '庆阳', altitudeKm: 1.2, cluster: 'qingyang', dLat: -0.3, dLon: 3.8 },
  ],
  '63': [{ name: 'Xining', zh: '西宁', altitudeKm: 2.26 }],
  '64': [
    { name: 'Yinchuan', zh: '银川', altitudeKm: 1.1 },
    { name: 'Zhongwei', zh: '中卫', altitudeKm: 1.2, cluster: 'zhongwei', dLat: -1.0, dLon: -1.0 },
  ],
  '65': [
    { name: 'Urumqi', zh: '乌鲁木齐', altitudeKm: 0.8 },
    { name: 'Karamay', zh: '克拉玛依', altitudeKm: 0.3, dLat: 1.8, dLon: -2.7 },
  ],
};

/** Share of domestic CPUs/accelerators installed in new servers of the province (国产化率 trends). */
const DOMESTIC_SHARE: Record<string, number> = {
  '52': 0.85,
  '15': 0.6,
  '62': 0.6,
  '64': 0.6,
  '51': 0.45,
  '50': 0.4,
  '53': 0.4,
  '54': 0.4,
  '61': 0.4,
  '63': 0.4,
  '65': 0.4,
  '14': 0.35,
  '11': 0.25,
  '12': 0.25,
  '31': 0.2,
  '32': 0.2,
  '33': 0.2,
  '35': 0.2,
  '37': 0.25,
  '44': 0.2,
  '46': 0.2,
  '21': 0.25,
};

/** Relative number of centers per province beyond the first one each (where the big markets and hubs are). */
const CENTER_WEIGHT: Record<string, number> = {
  '44': 6,
  '32': 6,
  '11': 5,
  '31': 5,
  '52': 5,
  '33': 4,
  '15': 4,
  '13': 4,
  '37': 3,
  '51': 3,
  '64': 3,
  '50': 2,
  '62': 2,
  '34': 2,
  '42': 2,
  '41': 2,
  '61': 2,
  '35': 2,
};

/** Provinces that host national supercomputing centers (Tianjin, Shenzhen/Guangzhou, Jinan, Changsha, Wuxi, Zhengzhou, Chengdu, Kunshan). */
const SUPERCOMPUTING = new Set(['12', '44', '37', '43', '32', '41', '51']);

let provincesCache: ProvinceRef[] | undefined;
let clustersCache: ClusterRef[] | undefined;

/** The 31 provinces of the catalog, in code order. */
export function provinces(): ProvinceRef[] {
  provincesCache ??= (
    parseYaml(readFileSync(path.join(CATALOG_DIR, 'reference', 'provinces.yaml'), 'utf8')) as {
      provinces: ProvinceRef[];
    }
  ).provinces;
  return provincesCache;
}

/** The 东数西算 clusters with their province. */
export function clusters(): ClusterRef[] {
  clustersCache ??= (
    parseYaml(readFileSync(path.join(CATALOG_DIR, 'reference', 'hub-clusters.yaml'), 'utf8')) as {
      clusters: ClusterRef[];
    }
  ).clusters;
  return clustersCache;
}

export function citiesOf(code: string): City[] {
  const p = provinces().find((x) => x.code === code);
  return CITIES[code] ?? [{ name: p?.en ?? code, zh: p?.zh ?? code, altitudeKm: 0.1 }];
}

export function domesticShare(code: string): number {
  return DOMESTIC_SHARE[code] ?? 0.3;
}

export function centerWeight(code: string): number {
  return CENTER_WEIGHT[code] ?? 1;
}

export function hostsSupercomputing(code: string): boolean {
  return SUPERCOMPUTING.has(code);
}

/**
 * Outdoor climate from latitude and altitude: about −0.8 °C per degree north and −4 °C per km up for the annual
 * mean; seasons swing wider in the north; dry highland and northern sites have larger day/night ranges.
 * Calibrated on Guangzhou (22 °C, ±5), Shanghai (16, ±10), Beijing (12, ±14), Harbin (4.5, ±18), Guiyang (15, ±8).
 */
export function climateAt(lat: number, altitudeKm: number): Climate {
  const north = Math.max(0, lat - 20);
  return {
    meanC: 25 - 0.8 * north - 4 * altitudeKm,
    seasonalC: 2.5 + 0.6 * north,
    diurnalC: 3 + 0.1 * north + 1 * altitudeKm,
  };
}
