export { NotifyTeamButton } from './NotifyTeamButton';
