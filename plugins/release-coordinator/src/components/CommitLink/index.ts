export { CommitLink } from './CommitLink';
export { commitUrl, shortSha } from './commitUrl';
