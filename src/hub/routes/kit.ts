/** @module What every route area's `register` receives besides the app and context: the shared middleware. */
import type { RequestHandler } from 'express';

/** Middleware shared by the route areas. */
export interface RouteKit {
  /** Token authentication followed by the per-token rate limit. */
  auth: RequestHandler[];
  /** JSON body parser with the configured limit. */
  json: RequestHandler;
}
