export { EntityTabCard } from './EntityTabCard';
export type { EntityTabCardProps } from './EntityTabCard';
