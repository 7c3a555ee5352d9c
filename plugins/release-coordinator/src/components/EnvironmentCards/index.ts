export { EnvironmentCards } from './EnvironmentCards';
export type { EnvironmentCardsProps } from './EnvironmentCards';
export { EnvironmentCard } from './EnvironmentCard';
export type { EnvironmentCardProps } from './EnvironmentCard';
