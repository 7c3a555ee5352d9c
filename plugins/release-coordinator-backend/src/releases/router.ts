import {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  AuditTrailResponse,
  checklistAttestPermission,
  checklistWaivePermission,
  freezeOverridePermission,
  releaseApprovePermission,
  releaseCreatePermission,
  releaseReadPermission,
} from '@release-coordinator/backstage-plugin-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { authorizeEntityRoute } from '../service/entityAccess';
import { parseInput } from '../service/validation';
import { resolveActor } from './actor';
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
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  catalog: CatalogService;
  releases: ReleaseService;
}

/**
 * Routes of release readiness (SPEC §7): create, read and change releases,
 * their checklist, evidence, approvals and audit trail. Each route parses,
 * authenticates, authorizes with the release's entity as resource, and
 * hands over to {@link ReleaseService}.
 */
export function createReleasesRouter(
  options: ReleasesRouterOptions,
): express.Router {
  const { httpAuth, userInfo, permissions, catalog, releases } = options;
  const router = Router();
  router.use(express.json());

  async function authorize(
    credentials: BackstageCredentials,
    entityRef: string,
    permission: ResourcePermission<'catalog-entity'>,
    action: string,
  ): Promise<void> {
    const [decision] = await permissions.authorize(
      [{ permission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Not allowed to ${action} ${entityRef}`);
    }
  }

  /** Parses the path, authenticates, and authorizes on the release's entity. */
  async function authorizeRelease(
    req: Request,
    permission: ResourcePermission<'catalog-entity'>,
    action: string,
  ) {
    const path = parseInput(releasePathSchema, req.params, 'path');
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const release = await releases.getRelease(path.id);
    await authorize(credentials, release.entityRef, permission, action);
    return { path, credentials, release };
  }

  router.post('/entities/:kind/:namespace/:name/releases', async (req, res) => {
    const request = parseInput(createReleaseSchema, req.body, 'body');
    const { entityRef, credentials } = await authorizeEntityRoute({
      req,
      httpAuth,
      catalog,
      permissions,
      permission: releaseCreatePermission,
      action: 'create releases of',
    });
    const details = await releases.createRelease({
      entityRef,
      request,
      actor: await resolveActor(credentials, userInfo),
      httpRequest: req,
    });
    res.status(201).json(details);
  });

  router.get('/releases/:id', async (req, res) => {
    const { path } = await authorizeRelease(
      req,
      releaseReadPermission,
      'read the releases of',
    );
    res.json(await releases.getDetails(path.id));
  });

  router.patch('/releases/:id', async (req, res) => {
    const request = parseInput(updateReleaseSchema, req.body, 'body');
    const { path, credentials } = await authorizeRelease(
      req,
      releaseCreatePermission,
      'change the releases of',
    );
    res.json(
      await releases.updateRelease({
        id: path.id,
        request,
        actor: await resolveActor(credentials, userInfo),
        httpRequest: req,
      }),
    );
  });

  router.put('/releases/:id/checklist/:itemId', async (req, res) => {
    const request = parseInput(checklistItemUpdateSchema, req.body, 'body');
    const waive = request.status === 'waived';
    const { path, credentials } = await authorizeRelease(
      req,
      waive ? checklistWaivePermission : checklistAttestPermission,
      waive ? 'waive checklist items of' : 'attest checklist items of',
    );
    res.json(
      await releases.updateChecklistItem({
        id: path.id,
        itemId: path.itemId!,
        request,
        actor: await resolveActor(credentials, userInfo),
        httpRequest: req,
      }),
    );
  });

  router.post('/releases/:id/evidence', async (req, res) => {
    const request = parseInput(evidenceSchema, req.body, 'body');
    const { path, credentials } = await authorizeRelease(
      req,
      checklistAttestPermission,
      'record checklist evidence for',
    );
    res.json(
      await releases.recordEvidence({
        id: path.id,
        request,
        actor: await resolveActor(credentials, userInfo),
        httpRequest: req,
      }),
    );
  });

  router.post('/releases/:id/approvals', async (req, res) => {
    const request = parseInput(approvalSchema, req.body, 'body');
    const { path, credentials, release } = await authorizeRelease(
      req,
      releaseApprovePermission,
      'approve or reject releases of',
    );
    if (request.overrideFreeze) {
      await authorize(
        credentials,
        release.entityRef,
        freezeOverridePermission,
        'override a freeze for',
      );
    }
    const details = await releases.decide({
      id: path.id,
      request,
      actor: await resolveActor(credentials, userInfo),
      httpRequest: req,
    });
    res.status(201).json(details);
  });

  router.post('/releases/:id/notify-team', async (req, res) => {
    const { path, credentials } = await authorizeRelease(
      req,
      checklistAttestPermission,
      'notify the team of',
    );
    res.json(
      await releases.notifyTeam({
        id: path.id,
        actor: await resolveActor(credentials, userInfo),
        httpRequest: req,
      }),
    );
  });

  router.get('/releases/:id/audit', async (req, res) => {
    const { path } = await authorizeRelease(
      req,
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
