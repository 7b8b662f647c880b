import PasswordIcon from '@mui/icons-material/Password';
import { ListItemIcon, ListItemText, MenuItem } from '@mui/material';
import { useState } from 'react';
import { AppBar as RaAppBar, Logout, TitlePortal, UserMenu, useGetIdentity, useNotify, useUserMenu } from 'react-admin';
import { PasswordDialog } from '../auth/PasswordDialog';
import { API, httpClient, tokenStore } from '../data/http';
import { SearchBox } from '../search/SearchBox';

function ChangePasswordItem({ onOpen }: { onOpen: () => void }) {
  const menu = useUserMenu();
  return (
    <MenuItem
      onClick={() => {
        menu?.onClose();
        onOpen();
      }}
    >
      <ListItemIcon>
        <PasswordIcon fontSize="small" />
      </ListItemIcon>
      <ListItemText>Change my password</ListItemText>
    </MenuItem>
  );
}

/**
 * The user menu: change one's own password, sign out. The dialog lives beside the menu, which
 * unmounts its items when it closes.
 */
function AppUserMenu() {
  const notify = useNotify();
  const [open, setOpen] = useState(false);
  // The button's accessible name is the name it shows (react-admin's is "Profile").
  const { identity } = useGetIdentity();
  return (
    <>
      <UserMenu label={identity?.fullName ? String(identity.fullName) : 'Profile'}>
        <ChangePasswordItem onOpen={() => setOpen(true)} />
        <Logout />
      </UserMenu>
      <PasswordDialog
        open={open}
        title="Change my password"
        askCurrent
        onClose={() => setOpen(false)}
        submit={async ({ current, password }) => {
          const { json } = await httpClient(`${API}/auth/password`, { method: 'POST', body: JSON.stringify({ current, password }) });
          // The change ends every older session, this one included: carry on with the fresh token.
          tokenStore.set(json.token);
          notify('Your password was changed; your other sessions have ended', { type: 'success' });
        }}
      />
    </>
  );
}

export const AppBar = () => (
  <RaAppBar userMenu={<AppUserMenu />}>
    <TitlePortal />
    <SearchBox />
  </RaAppBar>
);
