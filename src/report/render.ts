/**
 * @module One entry point from request to file: build the model once, render it in the asked format.
 */
import type { ReportInputs } from './inputs.ts';
import { buildReport, reportFileName, type ReportFormat, type ReportModel, type ReportRequest } from './model.ts';
import { renderCsv } from './csv.ts';
import { renderJson } from './json.ts';
import { renderXlsx } from './xlsx.ts';

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/** Renders a built model. */
export async function renderModel(model: ReportModel, format: ReportFormat): Promise<Buffer> {
  switch (format) {
    case 'xlsx':
      return renderXlsx(model);
    case 'csv':
      return Buffer.from(renderCsv(model), 'utf8');
    case 'json':
      return Buffer.from(renderJson(model), 'utf8');
  }
}

export interface RenderedReport {
  model: ReportModel;
  body: Buffer;
  contentType: string;
  fileName: string;
}

/** Builds and renders one report. */
export async function generateReport(
  inputs: ReportInputs,
  req: ReportRequest,
  format: ReportFormat,
): Promise<RenderedReport> {
  const model = await buildReport(inputs, req);
  const body = await renderModel(model, format);
  return {
    model,
    body,
    contentType: CONTENT_TYPES[format],
    fileName: reportFileName(req.scope, req.period, model.lang, format),
  };
}
