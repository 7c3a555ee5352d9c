import { Link } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { commitUrl, shortSha } from './commitUrl';

/** A commit as its short sha, linked to the entity's repository when known. */
export function CommitLink(props: { sha: string }) {
  const { entity } = useEntity();
  const url = commitUrl(entity, props.sha);
  const label = <code title={props.sha}>{shortSha(props.sha)}</code>;
  return url ? <Link to={url}>{label}</Link> : label;
}
