/*
 * The parts of GitLab's REST API v4 payloads this module reads. Fields are
 * optional or nullable where GitLab documents or sends them so (e.g. a
 * deployment without a job has `deployable: null`).
 */

/** A user as embedded in GitLab payloads. */
export interface GitlabUser {
  id: number;
  username: string;
  name?: string;
}

/** A commit as embedded in a job (`deployable.commit`). */
export interface GitlabCommit {
  id: string;
  short_id?: string;
  created_at?: string;
  committed_date?: string;
  title?: string;
}

/** A CI job (`deployable` of a deployment, or the result of a job retry). */
export interface GitlabJob {
  id: number;
  status: string;
  name?: string;
  ref?: string;
  tag?: boolean;
  created_at?: string;
  started_at?: string | null;
  finished_at?: string | null;
  web_url?: string;
  commit?: GitlabCommit | null;
  user?: GitlabUser | null;
}

/** An item of `GET /projects/:id/deployments`. */
export interface GitlabDeployment {
  id: number;
  iid: number;
  ref: string;
  sha: string;
  status: string;
  created_at: string;
  updated_at: string;
  user?: GitlabUser | null;
  environment: { id: number; name: string };
  deployable?: GitlabJob | null;
}

/** Body of a `Deployment Hook` delivery (`object_kind: deployment`). */
export interface GitlabDeploymentHook {
  object_kind: 'deployment';
  status: string;
  status_changed_at?: string;
  deployment_id: number;
  deployable_id?: number | null;
  deployable_url?: string | null;
  environment: string;
  project: { id: number; path_with_namespace: string };
  short_sha?: string;
  ref?: string;
  user?: GitlabUser | null;
  commit_url?: string;
  commit_title?: string;
}

/** An item of `GET /projects/:id/pipelines`. */
export interface GitlabPipelineSummary {
  id: number;
  iid?: number;
  project_id: number;
  sha: string;
  ref: string;
  status: string;
  source?: string;
  created_at: string;
  updated_at: string;
  web_url: string;
}

/** `GET /projects/:id/pipelines/:pipeline_id`. */
export interface GitlabPipeline extends GitlabPipelineSummary {
  tag?: boolean;
  started_at?: string | null;
  finished_at?: string | null;
  user?: GitlabUser | null;
}
