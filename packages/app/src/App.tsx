import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import notificationsPlugin from '@backstage/plugin-notifications/alpha';
import orgPlugin from '@backstage/plugin-org/alpha';
import signalsPlugin from '@backstage/plugin-signals/alpha';
import userSettingsPlugin from '@backstage/plugin-user-settings/alpha';
import releaseCoordinatorPlugin from '@release-coordinator/backstage-plugin/alpha';
import { appModule } from './modules/app';

/**
 * The portal, on Backstage's new frontend system (as `@backstage/create-app`
 * makes apps since Backstage 1.49). The catalog's entity pages get the
 * Release Coordinator tabs, the Delivery overview and the Release status card
 * from the plugin's `/alpha` features; the legacy-system install lives in
 * ./legacy.
 */
export function createPortalApp() {
  return createApp({
    features: [
      catalogPlugin,
      orgPlugin,
      userSettingsPlugin,
      notificationsPlugin,
      signalsPlugin,
      releaseCoordinatorPlugin,
      appModule,
    ],
  });
}

export default createPortalApp().createRoot();
