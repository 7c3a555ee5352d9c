export { GuardedButton } from './GuardedButton';
export type { GuardedButtonProps } from './GuardedButton';
