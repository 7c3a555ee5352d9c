import { SidebarItem } from '@backstage/core-components';
import { useUserProfile } from '@backstage/plugin-user-settings';
import PersonIcon from '@material-ui/icons/Person';

/**
 * Who is signed in (their display name), in the sidebar: with the
 * example-user sign-in one person switches between users, so the current one
 * must be obvious.
 */
export function SignedInUserItem() {
  const { displayName, loading } = useUserProfile();
  return (
    <SidebarItem
      icon={PersonIcon}
      to="/settings"
      text={loading ? '…' : displayName}
    />
  );
}
