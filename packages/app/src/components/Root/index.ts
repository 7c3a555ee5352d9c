export { default as LogoFull } from './LogoFull';
export { default as LogoIcon } from './LogoIcon';
export { SignedInUserItem } from './SignedInUserItem';
