/** @module A center's static facts as the deployment's registry file gives them. */

export type CenterType = 'general' | 'intelligent' | 'supercomputing';
export type SizeClass = 'small' | 'medium' | 'large' | 'hyperscale';
export type CenterStatus = 'operating' | 'construction' | 'decommissioned';

/** A center's static facts, from the deployment's registry file. */
export interface Center {
  id: string;
  name: string;
  /** English translation of the name. */
  name_en?: string;
  province: string;
  city?: string;
  type: CenterType;
  hub_cluster: string | null;
  commission_date: string | null;
  decommission_date?: string | null;
  size_class: SizeClass;
  status?: CenterStatus;
  racks_design: number;
  racks_installed: number;
  it_rated_kw: number;
  grid_capacity_kw: number;
  it_pipeline_kw?: number;
  liquid_cooled_it_kw?: number;
  dr_capacity_kw?: number;
  wan_bandwidth_gbps?: number;
  platform_connected?: boolean;
  storage_total_tb?: number;
  storage_flash_tb?: number;
  operator?: string;
  /** English translation of the operator's name. */
  operator_en?: string;
  lat?: number;
  lon?: number;
  /** A simulated center whose devices are a 1:N model of it; its agent scales readings up by N. */
  model_scale?: number;
}

export interface Registry {
  centers: Center[];
}
