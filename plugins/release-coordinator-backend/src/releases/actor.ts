import {
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { Actor } from './ApprovalPolicy';

/**
 * Who acts on a request: a user with the refs they own (their groups, from
 * the sign-in resolver's ownership refs), or a service by its subject.
 */
export async function resolveActor(
  credentials: BackstageCredentials,
  userInfo: UserInfoService,
): Promise<Actor> {
  const principal = credentials.principal as
    | { type: 'user'; userEntityRef: string }
    | { type: 'service'; subject: string }
    | { type: 'none' };
  if (principal.type === 'service') {
    return { type: 'service', ref: principal.subject, ownershipRefs: [] };
  }
  if (principal.type !== 'user') {
    throw new Error('resolveActor needs user or service credentials');
  }
  const info = await userInfo.getUserInfo(credentials);
  const lower = (ref: string) => ref.toLocaleLowerCase('en-US');
  const ref = lower(info.userEntityRef);
  return {
    type: 'user',
    ref,
    ownershipRefs: [...new Set([ref, ...info.ownershipEntityRefs.map(lower)])],
  };
}
