import {
  CreateReleaseRequest,
  DeploymentStrategy,
} from '@release-coordinator/backstage-plugin-common';

/** What the New release dialog edits. */
export interface NewReleaseForm {
  version: string;
  environment: string;
  commitSha: string;
  artifactDigest: string;
  strategy: DeploymentStrategy;
  zeroDowntime: boolean;
  hasDatabaseMigrations: boolean;
  hasConfigChanges: boolean;
  notes: string;
}

/** Problems with a form, by field; empty when it can be submitted. */
export type NewReleaseErrors = Partial<Record<keyof NewReleaseForm, string>>;

/** An empty form headed for staging with a rolling, non-zero-downtime plan. */
export const emptyNewReleaseForm: NewReleaseForm = {
  version: '',
  environment: 'staging',
  commitSha: '',
  artifactDigest: '',
  strategy: 'rolling',
  zeroDowntime: false,
  hasDatabaseMigrations: false,
  hasConfigChanges: false,
  notes: '',
};

/** The same rules as the backend (docs/product.md §3, §7), so mistakes show before submitting. */
export function validateNewRelease(form: NewReleaseForm): NewReleaseErrors {
  const errors: NewReleaseErrors = {};
  if (!form.version.trim()) {
    errors.version = 'Enter the version';
  }
  const environment = form.environment.trim();
  if (!environment) {
    errors.environment = 'Enter the environment';
  } else if (environment.length > 63) {
    errors.environment = 'At most 63 characters';
  }
  const commitSha = form.commitSha.trim();
  if (commitSha && !/^[0-9a-f]{7,64}$/i.test(commitSha)) {
    errors.commitSha = 'A commit SHA has 7 to 64 hexadecimal digits';
  }
  if (form.zeroDowntime && form.strategy === 'rolling') {
    errors.zeroDowntime =
      'A zero-downtime release needs the blue-green or canary strategy';
  }
  return errors;
}

/** The request body for a valid form; empty optional fields are left out. */
export function toCreateReleaseRequest(
  form: NewReleaseForm,
): CreateReleaseRequest {
  const commitSha = form.commitSha.trim();
  const artifactDigest = form.artifactDigest.trim();
  const notes = form.notes.trim();
  return {
    version: form.version.trim(),
    environment: form.environment.trim(),
    ...(commitSha && { commitSha }),
    ...(artifactDigest && { artifactDigest }),
    plan: {
      strategy: form.strategy,
      zeroDowntime: form.zeroDowntime,
      hasDatabaseMigrations: form.hasDatabaseMigrations,
      hasConfigChanges: form.hasConfigChanges,
      ...(notes && { notes }),
    },
  };
}
