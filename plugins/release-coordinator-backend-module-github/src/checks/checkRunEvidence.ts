import { WebhookEvidenceInput } from '@release-coordinator/backstage-plugin-node';
import { CheckEvidenceItemId, GithubModuleConfig } from '../config';
import { GITHUB_SOURCE } from '../deployments/deploymentInputs';

/**
 * A GitHub check run (REST and `check_run` webhook shape) as far as it is
 * read.
 *
 * @public
 */
export interface GithubCheckRunLike {
  name: string;
  head_sha: string;
  status?: string | null;
  conclusion?: string | null;
  html_url?: string | null;
  details_url?: string | null;
  output?: { title?: string | null; summary?: string | null } | null;
}

/**
 * Maps a completed check run's conclusion to a checklist status: success →
 * passed; failure, timed_out, cancelled, action_required and
 * startup_failure → failed; neutral, skipped and stale say nothing about
 * the gate and give no evidence (undefined).
 *
 * @public
 */
export function checkRunEvidenceStatus(
  conclusion: string | null | undefined,
): 'passed' | 'failed' | undefined {
  switch (conclusion) {
    case 'success':
      return 'passed';
    case 'failure':
    case 'timed_out':
    case 'cancelled':
    case 'action_required':
    case 'startup_failure':
      return 'failed';
    default:
      return undefined;
  }
}

/** The first percentage in the check's output title or summary, e.g. `84.5`. */
export function coverageFromCheckRun(
  checkRun: GithubCheckRunLike,
): string | undefined {
  for (const text of [checkRun.output?.title, checkRun.output?.summary]) {
    const match = text?.match(/(\d+(?:\.\d+)?)\s*%/);
    if (match) {
      return match[1];
    }
  }
  return undefined;
}

/**
 * The checklist evidence a check run gives for an entity, from the
 * configured check names per item (`releaseCoordinator.github.checks`).
 * Only completed runs count. `code-coverage` needs a percentage in the
 * run's output (title or summary); without one it gives no evidence, since
 * the backend compares the value with the coverage threshold.
 *
 * @public
 */
export function checkRunEvidence(options: {
  entityRef: string;
  checkRun: GithubCheckRunLike;
  checks: GithubModuleConfig['checks'];
}): WebhookEvidenceInput[] {
  const { entityRef, checkRun, checks } = options;
  if (checkRun.status && checkRun.status !== 'completed') {
    return [];
  }
  const status = checkRunEvidenceStatus(checkRun.conclusion);
  if (!status) {
    return [];
  }
  const url = checkRun.details_url || checkRun.html_url || undefined;
  const evidence: WebhookEvidenceInput[] = [];
  for (const [itemId, names] of Object.entries(checks) as Array<
    [CheckEvidenceItemId, string[]]
  >) {
    if (!names.includes(checkRun.name)) {
      continue;
    }
    let value: string | undefined;
    if (itemId === 'code-coverage') {
      value = coverageFromCheckRun(checkRun);
      if (value === undefined) {
        continue;
      }
    }
    evidence.push({
      entityRef,
      itemId,
      status,
      ...(value !== undefined && { value }),
      ...(url && { url }),
      source: GITHUB_SOURCE,
      commitSha: checkRun.head_sha,
    });
  }
  return evidence;
}
