/**
 * @module The ASHRAE recommended envelope for server inlet air (TC 9.9 Thermal Guidelines, classes A1–A4):
 * 18–27 °C dry bulb. One place, used by the center dashboard and the inlet-temperature alert rules.
 */
export const ASHRAE_INLET_MIN_C = 18;
export const ASHRAE_INLET_MAX_C = 27;
/** Class A1 allowable maximum: above it servers run outside their rated envelope. */
export const ASHRAE_A1_ALLOWABLE_MAX_C = 32;
