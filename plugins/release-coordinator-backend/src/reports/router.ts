import { eventsPushPermission } from '@release-coordinator/backstage-plugin-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { HttpAccess } from '../access/HttpAccess';
import { ReleaseService } from '../releases/ReleaseService';
import { releasePathSchema } from '../releases/validation';
import { parseInput } from '../service/validation';
import { FINDINGS_ITEMS, ReportSettings } from './config';
import { parseReport, REPORT_FORMATS } from './parseReport';

/** What the reports route needs from the plugin's wiring. */
export interface ReportsRouterOptions {
  access: HttpAccess;
  releases: ReleaseService;
  reportSettings: ReportSettings;
}

const reportQuerySchema = z
  .object({
    format: z.enum(REPORT_FORMATS).optional(),
    item: z
      .enum(['tests-passing', 'code-coverage', ...FINDINGS_ITEMS])
      .optional(),
    commitSha: z
      .string()
      .regex(
        /^[0-9a-fA-F]{7,64}$/,
        'must be a 7-64 digit hexadecimal commit SHA',
      )
      .optional(),
    artifactDigest: z.string().min(1).max(255).optional(),
    url: z.string().url().max(2048).optional(),
    source: z.string().min(1).max(63).optional(),
  })
  .strict();

/**
 * `POST /releases/:id/reports` (docs/evidence.md): a raw JUnit, coverage,
 * SARIF, Trivy or Grype report in, evidence for the matching item out.
 * Mounted before `express.json`: the body is read raw, up to
 * `releaseCoordinator.reports.maxBytes` (413 above it), and only after the
 * caller may push evidence for the release's entity.
 */
export function createReportsRouter(
  options: ReportsRouterOptions,
): express.Router {
  const { access, releases, reportSettings } = options;
  const { control } = access;
  const router = Router();
  const readBody = express.raw({
    type: () => true,
    limit: reportSettings.maxBytes,
  });

  router.post('/releases/:id/reports', async (req, res) => {
    const credentials = await access.credentials(req);
    const path = parseInput(releasePathSchema, req.params, 'path');
    const query = parseInput(reportQuerySchema, req.query, 'query');
    const release = await releases.getRelease(path.id);
    await control.authorizeEntity({
      credentials,
      entityRef: release.entityRef,
      permission: eventsPushPermission,
      action: 'record checklist evidence for',
      notFound: `No release ${path.id}`,
    });
    await new Promise<void>((resolve, reject) =>
      readBody(req, res, (error?: unknown) =>
        error ? reject(tooLarge(error, reportSettings.maxBytes)) : resolve(),
      ),
    );
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const parsed = parseReport(
      body.toString('utf8').replace(/^\uFEFF/, ''),
      query.format,
    );
    res.json(
      await releases.recordReport(reportSettings, {
        id: path.id,
        parsed,
        itemId: query.item,
        commitSha: query.commitSha,
        artifactDigest: query.artifactDigest,
        url: query.url,
        source: query.source,
        actor: await control.actorOf(credentials),
        via: { channel: 'http', request: req },
      }),
    );
  });

  return router;
}

/** body-parser's 413 with a message naming the limit. */
function tooLarge(error: unknown, maxBytes: number): unknown {
  const e = error as { type?: string; status?: number; length?: number };
  if (e?.type === 'entity.too.large') {
    return Object.assign(
      new Error(
        `The report is ${
          e.length ?? 'more than'
        } bytes; the limit is ${maxBytes} bytes (releaseCoordinator.reports.maxBytes)`,
      ),
      { name: 'PayloadTooLargeError', statusCode: 413 },
    );
  }
  return error;
}
