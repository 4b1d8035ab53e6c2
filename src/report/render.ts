/**
 * @module One entry point from request to file: build the model once (a province, the nation or a
 * center), render it in the asked format.
 */
import type { ReportInputs } from './inputs.ts';
import { buildReport, reportFileName, type ReportFormat, type ReportModel, type ReportRequest } from './model.ts';
import { buildCenterReport } from './center.ts';
import { renderCsv } from './csv.ts';
import { renderJson } from './json.ts';
import { renderXlsx } from './xlsx.ts';
import { renderPdf } from './pdf.ts';

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  pdf: 'application/pdf',
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
    case 'pdf':
      return renderPdf(model);
  }
}

export interface RenderedReport {
  model: ReportModel;
  body: Buffer;
  contentType: string;
  fileName: string;
}

/** Builds and renders one report; `center: true` makes `scope` a center id (the center's own report). */
export async function generateReport(
  inputs: ReportInputs,
  req: ReportRequest & { center?: boolean },
  format: ReportFormat,
): Promise<RenderedReport> {
  const model = req.center ? await buildCenterReport(inputs, req) : await buildReport(inputs, req);
  const body = await renderModel(model, format);
  return {
    model,
    body,
    contentType: CONTENT_TYPES[format],
    fileName: reportFileName(req.center ? `center-${req.scope}` : req.scope, req.period, model.lang, format),
  };
}
