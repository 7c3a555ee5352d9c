export {
  DeploymentStatusLabel,
  DEPLOYMENT_STATUS_LABELS,
} from './DeploymentStatusLabel';
