import HistoryIcon from '@mui/icons-material/History';
import SecurityIcon from '@mui/icons-material/Security';
import { ListSubheader } from '@mui/material';
import { Menu } from 'react-admin';
import { useCan, usePerms } from '../data/use-meta';

/**
 * Area headings scroll with the menu (sticky ones were drawn over its items) and are presentational:
 * a menu holds menu items only, for screen readers each item names its resource.
 */
const HEADING = { lineHeight: '32px', mt: 1, bgcolor: 'transparent', color: 'text.secondary' } as const;

const AREAS = ['Students & services', 'Claims & billing', 'Reference data', 'Users & access', 'Personal'];

/** Menu from the caller's meta: by area, join tables left to their parents, audit and matrix if allowed. */
export function AppMenu() {
  const perms = usePerms();
  const canBrowse = useCan('audit.browse');
  const canManage = useCan('permission.manage');
  const resources = (perms?.resources ?? []).filter((r) => r.editedFrom.length === 0 && r.name !== 'audit_log');
  return (
    <Menu>
      <Menu.DashboardItem />
      {AREAS.map((area) => {
        const inArea = resources.filter((r) => r.area === area);
        if (inArea.length === 0) return null;
        return [
          <ListSubheader key={area} component="div" role="presentation" disableSticky sx={HEADING}>
            {area}
          </ListSubheader>,
          ...inArea.map((r) => <Menu.ResourceItem key={r.name} name={r.name} />),
        ];
      })}
      {(canBrowse || canManage) && <ListSubheader component="div" role="presentation" disableSticky sx={HEADING}>Audit & access</ListSubheader>}
      {canBrowse && perms?.resources.some((r) => r.name === 'audit_log') && <Menu.Item to="/audit_log" primaryText="Audit trail" leftIcon={<HistoryIcon />} />}
      {/* The other logs of the Audit area (sign-ins): lists of their own, beside the record changes. */}
      {canBrowse && (perms?.resources ?? []).filter((r) => r.area === 'Audit' && r.name !== 'audit_log').map((r) => <Menu.ResourceItem key={r.name} name={r.name} />)}
      {canManage && perms?.resources.some((r) => r.name === 'permission_item') && <Menu.Item to="/permissions" primaryText="Permission matrix" leftIcon={<SecurityIcon />} />}
    </Menu>
  );
}
