export { NewReleaseDialog } from './NewReleaseDialog';
export type { NewReleaseDialogProps } from './NewReleaseDialog';
export { NewReleaseButton } from './NewReleaseButton';
export type { NewReleaseButtonProps } from './NewReleaseButton';
