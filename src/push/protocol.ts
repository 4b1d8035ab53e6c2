/**
 * @module The push contract of `POST /api/v1/records`, shared by the hub that answers it and by the agents
 * and federating hubs that send: how a sender asks for the short answer.
 */

/** Whether the request asks for the short answer (RFC 7240 `Prefer: return=minimal`). */
export function prefersMinimal(prefer: string | undefined): boolean {
  return prefer !== undefined && /(?:^|[,;\s])return\s*=\s*"?minimal"?(?:$|[,;\s])/i.test(prefer);
}
