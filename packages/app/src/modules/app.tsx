import { compatWrapper } from '@backstage/core-compat-api';
import { createFrontendModule } from '@backstage/frontend-plugin-api';
import {
  SignInPageBlueprint,
  ThemeBlueprint,
} from '@backstage/plugin-app-react';
import { ExampleUserSignInPage } from '../components/SignIn';
import { themes } from '../themes';
import { sidebarContent } from './nav';

/**
 * Guest and, in development, the example users (auth.providers.exampleUser);
 * GitHub with the production config (app.signInProviders).
 */
const signInPage = SignInPageBlueprint.make({
  params: {
    loader: async () => props =>
      compatWrapper(<ExampleUserSignInPage {...props} />),
  },
});

/** The portal's light and dark themes replace the app's defaults of the same ids. */
const themeExtensions = themes.map(theme =>
  ThemeBlueprint.make({ name: theme.id, params: { theme } }),
);

/** What the portal adds to the app plugin: sign-in page, themes and sidebar. */
export const appModule = createFrontendModule({
  pluginId: 'app',
  extensions: [signInPage, ...themeExtensions, sidebarContent],
});
