/**
 * @module Small-cell suppression for reports that cross provinces: a breakdown value computed from fewer
 * than three centers is hidden, so no single operator's figures can be read off a provincial total
 * (the threshold rule of EU Delegated Regulation 2024/1364 publication and of official statistics).
 */

/** The fewest contributing centers a published breakdown value may have. */
export const MIN_CENTERS = 3;

/**
 * Whether a breakdown cell must be hidden. Empty values stay as they are (their reason already says why);
 * a value with 1 or 2 contributing centers is hidden.
 */
export function mustSuppress(value: number | null, centers: number, minCenters: number = MIN_CENTERS): boolean {
  return value !== null && centers < minCenters;
}
