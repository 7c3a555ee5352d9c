import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  AuditTrailResponse,
  checklistAttestPermission,
  GateResponse,
  releaseReadPermission,
} from '@release-coordinator/backstage-plugin-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { EntityPermission } from '../access/AccessControl';
import { HttpAccess } from '../access/HttpAccess';
import { Operations } from '../operations/Operations';
import { jsonBody } from '../service/inputGuard';
import { parseInput } from '../service/validation';
import { ReleaseService } from './ReleaseService';
import { releasePathSchema, updateReleaseSchema } from './validation';

/** What the release readiness routes need from the plugin's wiring. */
export interface ReleasesRouterOptions {
  access: HttpAccess;
  releases: ReleaseService;
  /** What routes and actions share (src/operations). */
  operations: Operations;
}

/**
 * Routes of release readiness (docs/product.md §7): create, read and change releases,
 * their checklist, evidence, approvals and audit trail. Each route
 * authenticates, parses, authorizes through the access layer with the
 * release's entity as resource, and hands over to {@link ReleaseService};
 * the routes that actions also offer do so through {@link Operations}.
 */
export function createReleasesRouter(
  options: ReleasesRouterOptions,
): express.Router {
  const { access, releases, operations } = options;
  const { control } = access;
  const router = Router();
  router.use(jsonBody());

  const httpCall = (req: Request) => access.call(req);

  /** The release of the path, once `permission` on its entity is allowed. */
  async function authorizeRelease(
    req: Request,
    credentials: BackstageCredentials,
    permission: EntityPermission,
    action: string,
  ) {
    const path = parseInput(releasePathSchema, req.params, 'path');
    const release = await releases.getRelease(path.id);
    await control.authorizeEntity({
      credentials,
      entityRef: release.entityRef,
      permission,
      action,
      notFound: `No release ${path.id}`,
    });
    return { path, release };
  }

  router.post('/entities/:kind/:namespace/:name/releases', async (req, res) => {
    const call = await httpCall(req);
    const details = await operations.createRelease({
      ...call,
      entity: access.entityPath(req),
      body: req.body,
    });
    res.status(201).json(details);
  });

  // The gate (docs/gates.md): polled by deploy tools, so one read each of
  // the entity's releases of that version; CI calls it with a service token.
  router.get('/entities/:kind/:namespace/:name/gate', async (req, res) => {
    const body: GateResponse = await operations.getGate({
      ...(await httpCall(req)),
      entity: access.entityPath(req),
      query: req.query,
    });
    res.json(body);
  });

  router.get('/releases/:id', async (req, res) => {
    res.json(
      await operations.getRelease({
        ...(await httpCall(req)),
        releaseId: req.params.id,
      }),
    );
  });

  router.patch('/releases/:id', async (req, res) => {
    const credentials = await access.credentials(req);
    const path = parseInput(releasePathSchema, req.params, 'path');
    const request = parseInput(updateReleaseSchema, req.body, 'body');
    const { actor } = await control.authorizeReleaseChange({
      credentials,
      release: await releases.getRelease(path.id),
    });
    res.json(
      await releases.updateRelease({
        id: path.id,
        request,
        actor,
        via: { channel: 'http', request: req },
      }),
    );
  });

  router.put('/releases/:id/checklist/:itemId', async (req, res) => {
    res.json(
      await operations.updateChecklistItem({
        ...(await httpCall(req)),
        releaseId: req.params.id,
        itemId: req.params.itemId,
        body: req.body,
      }),
    );
  });

  router.post('/releases/:id/evidence', async (req, res) => {
    res.json(
      await operations.recordEvidence({
        ...(await httpCall(req)),
        releaseId: req.params.id,
        body: req.body,
      }),
    );
  });

  router.post('/releases/:id/approvals', async (req, res) => {
    const details = await operations.decide({
      ...(await httpCall(req)),
      releaseId: req.params.id,
      body: req.body,
    });
    res.status(201).json(details);
  });

  router.post('/releases/:id/notify-team', async (req, res) => {
    const credentials = await access.credentials(req);
    const { path } = await authorizeRelease(
      req,
      credentials,
      checklistAttestPermission,
      'notify the team of',
    );
    res.json(
      await releases.notifyTeam({
        id: path.id,
        actor: await control.actorOf(credentials),
        via: { channel: 'http', request: req },
      }),
    );
  });

  router.get('/releases/:id/audit', async (req, res) => {
    const credentials = await access.credentials(req);
    const { path } = await authorizeRelease(
      req,
      credentials,
      releaseReadPermission,
      'read the audit trail of',
    );
    const body: AuditTrailResponse = {
      items: await releases.getAuditTrail(path.id),
    };
    res.json(body);
  });

  return router;
}
