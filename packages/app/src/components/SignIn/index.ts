export { ExampleUserSignInPage } from './ExampleUserSignInPage';
