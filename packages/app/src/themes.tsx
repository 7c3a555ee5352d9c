import { ReactNode } from 'react';
import { AppTheme } from '@backstage/core-plugin-api';
import {
  themes as builtinThemes,
  UnifiedThemeProvider,
} from '@backstage/theme';
import CssBaseline from '@material-ui/core/CssBaseline';
import DarkIcon from '@material-ui/icons/Brightness2';
import LightIcon from '@material-ui/icons/WbSunny';

/**
 * Backstage's light and dark themes with Material UI's baseline CSS
 * (border-box sizing, the theme's body font and background). The default
 * themes of this Backstage version leave the baseline out, so every box was
 * content-box: the page's left padding for the sidebar made each page 216 px
 * wider than the window.
 */
function withBaseline(theme: typeof builtinThemes.light) {
  return ({ children }: { children?: ReactNode }) => (
    <UnifiedThemeProvider theme={theme}>
      <CssBaseline>{children}</CssBaseline>
    </UnifiedThemeProvider>
  );
}

/** The portal's themes. */
export const themes: AppTheme[] = [
  {
    id: 'light',
    title: 'Light Theme',
    variant: 'light',
    icon: <LightIcon />,
    Provider: withBaseline(builtinThemes.light),
  },
  {
    id: 'dark',
    title: 'Dark Theme',
    variant: 'dark',
    icon: <DarkIcon />,
    Provider: withBaseline(builtinThemes.dark),
  },
];
