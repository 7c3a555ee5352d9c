import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  AuditTrailResponse,
  checklistAttestPermission,
  checklistWaivePermission,
  eventsPushPermission,
  freezeOverridePermission,
  releaseApprovePermission,
  releaseCreatePermission,
  releaseReadPermission,
} from '@release-coordinator/backstage-plugin-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { EntityPermission } from '../access/AccessControl';
import { HttpAccess } from '../access/HttpAccess';
import { jsonBody } from '../service/inputGuard';
import { parseInput } from '../service/validation';
import { ReleaseService } from './ReleaseService';
import {
  approvalSchema,
  checklistItemUpdateSchema,
  createReleaseSchema,
  evidenceSchema,
  releasePathSchema,
  updateReleaseSchema,
} from './validation';

/** What the release readiness routes need from the plugin's wiring. */
export interface ReleasesRouterOptions {
  access: HttpAccess;
  releases: ReleaseService;
}

/**
 * Routes of release readiness (docs/product.md §7): create, read and change releases,
 * their checklist, evidence, approvals and audit trail. Each route
 * authenticates, parses, authorizes through the access layer with the
 * release's entity as resource, and hands over to {@link ReleaseService}.
 */
export function createReleasesRouter(
  options: ReleasesRouterOptions,
): express.Router {
  const { access, releases } = options;
  const { control } = access;
  const router = Router();
  router.use(jsonBody());

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
    const credentials = await access.credentials(req);
    const request = parseInput(createReleaseSchema, req.body, 'body');
    const { entityRef } = await access.entityRoute(
      req,
      releaseCreatePermission,
      'create releases of',
      credentials,
    );
    const details = await releases.createRelease({
      entityRef,
      request,
      actor: await control.actorOf(credentials),
      httpRequest: req,
    });
    res.status(201).json(details);
  });

  router.get('/releases/:id', async (req, res) => {
    const credentials = await access.credentials(req);
    const { path } = await authorizeRelease(
      req,
      credentials,
      releaseReadPermission,
      'read the releases of',
    );
    res.json(await releases.getDetails(path.id));
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
        httpRequest: req,
      }),
    );
  });

  router.put('/releases/:id/checklist/:itemId', async (req, res) => {
    const credentials = await access.credentials(req);
    const request = parseInput(checklistItemUpdateSchema, req.body, 'body');
    const waive = request.status === 'waived';
    const { path } = await authorizeRelease(
      req,
      credentials,
      waive ? checklistWaivePermission : checklistAttestPermission,
      waive ? 'waive checklist items of' : 'attest checklist items of',
    );
    res.json(
      await releases.updateChecklistItem({
        id: path.id,
        itemId: path.itemId!,
        request,
        actor: await control.actorOf(credentials),
        httpRequest: req,
      }),
    );
  });

  router.post('/releases/:id/evidence', async (req, res) => {
    const credentials = await access.credentials(req);
    const request = parseInput(evidenceSchema, req.body, 'body');
    // Evidence is machine input, like pushed events.
    const { path } = await authorizeRelease(
      req,
      credentials,
      eventsPushPermission,
      'record checklist evidence for',
    );
    res.json(
      await releases.recordEvidence({
        id: path.id,
        request,
        actor: await control.actorOf(credentials),
        httpRequest: req,
      }),
    );
  });

  router.post('/releases/:id/approvals', async (req, res) => {
    const credentials = await access.credentials(req);
    const request = parseInput(approvalSchema, req.body, 'body');
    const { path, release } = await authorizeRelease(
      req,
      credentials,
      releaseApprovePermission,
      'approve or reject releases of',
    );
    if (request.overrideFreeze) {
      await control.authorizeEntities({
        credentials,
        entityRefs: [release.entityRef],
        permission: freezeOverridePermission,
        action: 'override a freeze for',
      });
    }
    const details = await releases.decide({
      id: path.id,
      request,
      actor: await control.actorOf(credentials),
      httpRequest: req,
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
        httpRequest: req,
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
