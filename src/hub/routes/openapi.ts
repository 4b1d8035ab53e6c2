/** @module GET /api/v1/openapi.json: the hub's API description (public: it holds no data). */
import type { Express } from 'express';
import { openapiDocument } from '../openapi.ts';

export function register(app: Express): void {
  const doc = openapiDocument();
  app.get('/api/v1/openapi.json', (_req, res) => {
    res.json(doc);
  });
}
